using Microsoft.AspNetCore.SignalR;
using Tributary.App.Dashboard.Session;

namespace Tributary.Tests.Unit.App.Dashboard.Session;

public sealed class ServerWordsTests
{
    [Theory]
    [InlineData("An unexpected error occurred invoking 'StreamBatchesWith' on the server. HubException: rate must be 0 (as fast as possible) or between 0.001 and 10000, but was -5.",
        "Rate must be 0 (as fast as possible) or between 0.001 and 10000, but was -5.")]
    [InlineData("Unknown feed 'x'. Known feeds: news.", "Unknown feed 'x'. Known feeds: news.")]
    [InlineData("", "The server refused this stream.")]
    public void A_refusal_reads_as_the_servers_sentence_without_the_clients_wrapping(string message, string expected)
    {
        Assert.Equal(expected, ServerWords.Of(new HubException(message)));
    }
}
