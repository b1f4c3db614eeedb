namespace Tributary.App.Feeds.Kinds;

/// <summary>A reading from one station.</summary>
public sealed record WeatherReading(string Station, double TemperatureC, double HumidityPercent, double WindKph, string WindDirection);
