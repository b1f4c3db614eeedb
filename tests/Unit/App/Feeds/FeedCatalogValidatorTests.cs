using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tributary.App.Feeds;
using Tributary.Tests.Hosting;

namespace Tributary.Tests.Unit.App.Feeds;

public sealed class FeedCatalogValidatorTests
{
    [Fact]
    public async Task The_shipped_catalog_is_valid()
    {
        await using var app = LoopbackApp.Create();

        // Reading the value runs the validator, which would throw for a bad catalog.
        var catalog = app.Services.GetRequiredService<IOptions<FeedCatalogOptions>>().Value;

        Assert.Equal(["news", "weather", "ticker", "system", "counter", "events", "mercure"], catalog.Feeds.Select(f => f.Name));
    }

    [Theory]
    [InlineData("Name", "Bad Name", "Feeds[0] 'Bad Name': Name must be 1-32 characters")]
    [InlineData("Kind", "radio", "Feeds[0] 'x': Kind 'radio' is not one of ticker, weather, news, system, counter, websocket, sse, ndjson, file, nats, mqtt, redis, push, mercure.")]
    [InlineData("Rate", "0", "Feeds[0] 'x': Rate must be between 0.001 and 1000 items per second.")]
    [InlineData("Rate", "5000", "Feeds[0] 'x': Rate must be between 0.001 and 1000 items per second.")]
    [InlineData("Symbols", "", "Feeds[0] 'x': Symbols must list at least one symbol for a ticker feed.")]
    [InlineData("Symbols", "acme", "Feeds[0] 'x': Symbols must be 1-10 characters of A-Z, 0-9, '.' or '-'; not 'acme'.")]
    public void A_bad_ticker_entry_is_reported_with_the_feed_and_the_field(string field, string value, string expected)
    {
        var feed = new FeedDefinition { Name = "x", Kind = FeedKind.Ticker, Rate = 1, Symbols = ["ACME"] };
        switch (field)
        {
            case "Name": feed.Name = value; break;
            case "Kind": feed.Kind = value; break;
            case "Rate": feed.Rate = double.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            default: feed.Symbols = value.Length == 0 ? [] : [value]; break;
        }

        var result = Validate(feed);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_field_of_another_kind_is_reported()
    {
        var result = Validate(new FeedDefinition { Name = "w", Kind = FeedKind.Weather, Stations = ["A"], Symbols = ["ACME"] });

        Assert.Equal(["Feeds[0] 'w': Symbols applies only to ticker feeds, not to a weather feed."], result.Failures);
    }

    [Fact]
    public void Duplicate_names_and_an_empty_catalog_are_reported()
    {
        var duplicate = Validate(new FeedDefinition { Name = "a", Kind = FeedKind.System }, new FeedDefinition { Name = "a", Kind = FeedKind.System });
        var empty = Validate();

        Assert.Equal(["Feeds[1] 'a': Name is used by an earlier feed; names must be unique."], duplicate.Failures);
        Assert.StartsWith("Feeds: the catalog is empty", empty.Failures!.Single(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(FeedKind.Counter, 1e-7, "Feeds[0] 'x': Rate must be 0 (as fast as possible) or between 0.001 and MaxRate (10000).")]
    [InlineData(FeedKind.System, 1e-7, "Feeds[0] 'x': Rate must be between 0.001 and 1000 items per second.")]
    public void A_rate_too_slow_to_pace_is_refused_with_the_minimum(string kind, double rate, string expected)
    {
        var result = Validate(new FeedDefinition { Name = "x", Kind = kind, Rate = rate });

        Assert.Equal(expected, Assert.Single(result.Failures!));
    }

    [Fact]
    public void A_shared_counter_must_be_paced_because_it_would_spin_for_nobody()
    {
        var result = Validate(new FeedDefinition { Name = "pulse", Kind = FeedKind.Counter, Rate = 0, Shared = true });

        Assert.Equal(
            "Feeds[0] 'pulse': a shared counter needs a Rate above 0: unpaced, its one producer would run flat out whether or not anyone reads it.",
            Assert.Single(result.Failures!));
    }

    [Fact]
    public void A_counter_may_run_unpaced_but_not_with_negative_counts()
    {
        Assert.True(Validate(new FeedDefinition { Name = "c", Kind = FeedKind.Counter, Rate = 0 }).Succeeded);
        Assert.True(Validate(new FeedDefinition { Name = "c", Kind = FeedKind.Counter, Rate = 0, Count = -1 }).Failed);
    }

    [Theory]
    [InlineData("MaxItemBytes", "0", "Feeds[0] 'u': MaxItemBytes must be between 1 and 67108864 (64 MiB).")]
    [InlineData("MaxItemBytes", "67108865", "Feeds[0] 'u': MaxItemBytes must be between 1 and 67108864 (64 MiB).")]
    [InlineData("ConnectTimeout", "0", "Feeds[0] 'u': ConnectTimeout must be more than 0.")]
    [InlineData("IdleTimeout", "-1", "Feeds[0] 'u': BackoffResetAfter and IdleTimeout must be 0 or more.")]
    [InlineData("HistoryMaxBytes", "-1", "Feeds[0] 'u': SubscriberBuffer must be at least 1, HistoryLength and HistoryMaxBytes 0 or more, and Linger 0 or more.")]
    public void A_bad_upstream_limit_is_reported_with_the_feed_and_the_field(string field, string value, string expected)
    {
        var feed = new FeedDefinition { Name = "u", Kind = FeedKind.Ndjson, Url = "http://127.0.0.1:9/" };
        var number = long.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        switch (field)
        {
            case "MaxItemBytes": feed.MaxItemBytes = (int)number; break;
            case "ConnectTimeout": feed.ConnectTimeout = TimeSpan.FromSeconds(number); break;
            case "IdleTimeout": feed.IdleTimeout = TimeSpan.FromSeconds(number); break;
            default: feed.HistoryMaxBytes = number; break;
        }

        Assert.Equal([expected], Validate(feed).Failures);
    }

    [Fact]
    public void IdleTimeout_and_FollowRedirects_are_refused_where_they_cannot_apply()
    {
        var file = new FeedDefinition { Name = "f", Kind = FeedKind.File, Path = "/tmp/x.log", IdleTimeout = TimeSpan.FromSeconds(5) };
        var socket = new FeedDefinition { Name = "w", Kind = FeedKind.WebSocket, Url = "ws://127.0.0.1:9/", FollowRedirects = true };

        Assert.Equal(["Feeds[0] 'f': IdleTimeout applies only to websocket, sse and ndjson feeds, not to a file feed."], Validate(file).Failures);
        Assert.Equal(["Feeds[0] 'w': FollowRedirects applies only to sse and ndjson feeds, not to a websocket feed."], Validate(socket).Failures);
    }

    [Fact]
    public async Task A_bad_catalog_stops_start_up_with_a_message_naming_the_feed_and_the_field()
    {
        var app = LoopbackApp.Create(new Dictionary<string, string?>
        {
            ["Feeds:2:Symbols:0"] = "not a symbol",
        });

        var thrown = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Feeds[2] 'ticker': Symbols must be 1-10 characters", thrown.Message, StringComparison.Ordinal);
        await app.DisposeAsync();
    }

    [Fact]
    public async Task A_listed_feed_of_kind_mercure_is_refused_since_the_hub_adds_its_own()
    {
        var app = LoopbackApp.Create(new Dictionary<string, string?>
        {
            ["Feeds:120:Name"] = "updates",
            ["Feeds:120:Kind"] = "mercure",
        });

        var thrown = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("'updates': Kind mercure is the Mercure hub's own feed", thrown.Message, StringComparison.Ordinal);
        await app.DisposeAsync();
    }

    [Theory]
    [InlineData("nats", "http://host:4222", "Subject=a.b", "Url must be an absolute nats or tls address for a nats feed.")]
    [InlineData("nats", "nats://host", "Subject=", "Subject must name the NATS subject to read")]
    [InlineData("nats", "nats://host", "Subject=a..b", "Subject must name the NATS subject to read")]
    [InlineData("nats", "nats://host", "Subject=a;Start=All", "Start applies only to a nats feed that reads a JetStream Stream")]
    [InlineData("nats", "nats://host", "Subject=a;Stream=ORDERS;Start=yesterday", "Start must be New, All, Last, a stream sequence to start at (a whole number from 1) or an ISO 8601 time such as 2026-01-31T12:00:00Z, not 'yesterday'.")]
    [InlineData("nats", "nats://host", "Subject=a;Stream=ORDERS;Start=0", "Start must be New, All, Last, a stream sequence to start at (a whole number from 1)")]
    [InlineData("redis", "redis://host/3", "Channel=c", "Url names only the server for a redis feed")]
    [InlineData("nats", "nats://host:4222/?subject=x", "Subject=a", "Url names only the server for a nats feed")]
    [InlineData("nats", "nats://host", "Subject=a;Stream=OR.DERS", "Stream must be a JetStream stream name")]
    [InlineData("nats", "nats://host", "Subject=a;Topic=t", "Topic applies only to mqtt feeds, not to a nats feed.")]
    [InlineData("mqtt", "mqtt://host", "Topic=a/#/b", "Topic must be an MQTT topic filter ('+' for one level, '#' as the last level only) for an mqtt feed.")]
    [InlineData("mqtt", "mqtt://host", "Topic=a/b+", "Topic must be an MQTT topic filter")]
    [InlineData("mqtt", "mqtt://host", "Topic=a;Qos=2", "Qos must be 0 (at most once) or 1 (at least once, with a persistent session), not 2.")]
    [InlineData("mqtt", "mqtt://host", "Topic=a;MqttVersion=3.1", "MqttVersion must be 5 or 3.1.1, not '3.1'.")]
    [InlineData("mqtt", "mqtt://host", "Topic=a;Shared=false", "a mqtt feed is always shared")]
    [InlineData("mqtt", "redis://host", "Topic=a", "Url must be an absolute mqtt or mqtts address for a mqtt feed.")]
    [InlineData("redis", "redis://host", "", "a redis feed reads either a Stream (a stream key, with XREAD) or a Channel (pub/sub, a pattern with '*'): set exactly one.")]
    [InlineData("redis", "redis://host", "Stream=s;Channel=c", "a redis feed reads either a Stream")]
    [InlineData("redis", "redis://host", "Channel=c;Start=All", "Start applies only to a redis feed that reads a Stream")]
    [InlineData("redis", "redis://host", "Stream=s;Start=12-x", "Start must be New, All, Last, a stream id (such as 1700000000000-0) or an ISO 8601 time")]
    [InlineData("websocket", "ws://host", "Envelope=true", "Envelope applies only to nats, mqtt and redis feeds, not to a websocket feed.")]
    [InlineData("websocket", "ws://host", "Password=x", "Password applies only to nats, mqtt and redis feeds, not to a websocket feed.")]
    public void A_bad_message_system_setting_is_reported_with_the_feed_and_the_setting(string kind, string url, string settings, string expected)
    {
        var feed = new FeedDefinition { Name = "m", Kind = kind, Url = url };
        foreach (var setting in settings.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var (name, value) = (setting.Split('=')[0], setting.Split('=')[1]);
            typeof(FeedDefinition).GetProperty(name)!.SetValue(feed, name switch
            {
                "Qos" => int.Parse(value, System.Globalization.CultureInfo.InvariantCulture),
                "Envelope" => bool.Parse(value),
                "Shared" => (bool?)bool.Parse(value),
                _ => value,
            });
        }

        var result = Validate(feed);

        Assert.Contains(result.Failures ?? [], f => f.StartsWith($"Feeds[0] 'm': {expected}", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("nats", "nats://user:pw@host", "Subject=orders.>;Stream=ORDERS;Start=2026-01-31T12:00:00Z")]
    [InlineData("nats", "tls://host:4443", "Subject=a.*;Stream=S;Start=42")]
    [InlineData("mqtt", "mqtts://host", "Topic=sensors/+/temp;Qos=0;MqttVersion=3.1.1")]
    [InlineData("mqtt", "mqtt://host", "Topic=#")]
    [InlineData("redis", "rediss://:pw@host:6380", "Stream=events;Start=1700000000000-0")]
    [InlineData("redis", "redis://host", "Channel=news.*")]
    public void Good_message_system_settings_are_accepted(string kind, string url, string settings)
    {
        var feed = new FeedDefinition { Name = "m", Kind = kind, Url = url };
        foreach (var setting in settings.Split(';'))
        {
            var (name, value) = (setting.Split('=')[0], setting.Split('=', 2)[1]);
            typeof(FeedDefinition).GetProperty(name)!.SetValue(feed, name == "Qos" ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : value);
        }

        Assert.Null(Validate(feed).Failures);
    }

    private static ValidateOptionsResult Validate(params FeedDefinition[] feeds) =>
        new FeedCatalogValidator().Validate(null, new FeedCatalogOptions { Feeds = [.. feeds] });
}
