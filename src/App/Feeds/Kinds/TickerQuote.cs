namespace Tributary.App.Feeds.Kinds;

/// <summary>A quote for one symbol.</summary>
public sealed record TickerQuote(string Symbol, decimal Price, decimal Bid, decimal Ask, long Volume, decimal Change, decimal ChangePercent);
