using Microsoft.Extensions.Options;
using Tributary.App;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Sharing.Postgres;
using Tributary.App.Security;

if (KeysCommand.Handles(args))
{
    return KeysCommand.Run(args, Console.Out, Console.Error);
}

try
{
    // Inside the try: settings are validated as the app is composed (Auth, ForwardedHeaders) and as it starts.
    var app = TributaryApp.Create(new WebApplicationOptions { Args = args });
    await FeedServices.PrepareEngineAsync(app.Services, CancellationToken.None);
    await app.RunAsync();
}
catch (FeedEngineUnavailableException unavailable)
{
    // A configuration problem for the operator, not a crash: one line, no stack trace.
    await Console.Error.WriteLineAsync($"tributary: {unavailable.Message}");
    return 1;
}
catch (OptionsValidationException invalid)
{
    await Console.Error.WriteLineAsync($"tributary: invalid configuration: {string.Join(" ", invalid.Failures)}");
    return 1;
}

return 0;
