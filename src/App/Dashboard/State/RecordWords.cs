using Tributary.App.Dashboard.Client;
using Tributary.App.Feeds.Sharing;

namespace Tributary.App.Dashboard.State;

/// <summary>
/// What a control record means, in the words of someone watching a feed: the server's own message is written for
/// programs and operators (positions, epochs, sequence numbers); the timeline says what happened to what they see.
/// The record itself, with the server's message, is one click away in the row's details.
/// </summary>
public static class RecordWords
{
    public static string Describe(FeedRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Type switch
        {
            "reset" => Reset(record.Feed, JsonFields.Text(record.Data, "reason"), record.Message),
            "gap" when JsonFields.WholeNumber(record.Data, "skipped") is { } skipped =>
                $"{Display.Count(skipped, $"{record.Feed} item")} skipped: this view fell behind the feed.",
            _ => record.Message,
        };
    }

    private static string Reset(string feed, string reason, string message) => reason switch
    {
        ResetReasons.Epoch or ResetReasons.Ahead => $"{feed} started over on the server (it restarted): continuing with its new items.",
        ResetReasons.StartedOver => $"{feed}'s history on the server started over: continuing with its new items.",
        ResetReasons.Trimmed => $"Some {feed} items are no longer kept on the server: continuing with the oldest it still has.",
        ResetReasons.NotKept => $"Some {feed} items were not kept on the server: continuing after them.",
        _ => message,
    };
}
