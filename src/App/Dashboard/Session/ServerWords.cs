using Microsoft.AspNetCore.SignalR;

namespace Tributary.App.Dashboard.Session;

/// <summary>
/// The server's sentence from a hub refusal, without what the SignalR client wraps around it ("An unexpected error
/// occurred invoking 'StreamBatchesWith' on the server. HubException: …"): the user reads the sentence, never an
/// exception's text.
/// </summary>
public static class ServerWords
{
    private const string Marker = "HubException: ";

    public static string Of(HubException refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        var message = refusal.Message;
        var start = message.LastIndexOf(Marker, StringComparison.Ordinal);
        var words = (start < 0 ? message : message[(start + Marker.Length)..]).Trim();
        return words.Length == 0 ? "The server refused this stream." : char.ToUpperInvariant(words[0]) + words[1..];
    }
}
