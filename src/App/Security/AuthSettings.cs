using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Tributary.App.Security;

/// <summary>
/// The <c>Auth</c> section as it is now. It is read again whenever the configuration reloads (so removing a key
/// revokes it), but an edit that does not validate is logged and not applied: a typo in one key's hash must not turn
/// every request into a 500. (An options monitor would throw from its reload callback instead.)
/// </summary>
public sealed class AuthSettings : IDisposable
{
    private readonly IConfiguration _configuration;
    private readonly ILogger<AuthSettings> _logger;
    private readonly IDisposable _reloads;
    private AuthOptions _current;

    /// <exception cref="OptionsValidationException">The settings at start are invalid (Program.cs reports it in one line).</exception>
    public AuthSettings(IConfiguration configuration, ILogger<AuthSettings> logger)
    {
        _configuration = configuration;
        _logger = logger;
        var (initial, check) = Read();
        if (check.Failed)
        {
            throw new OptionsValidationException(AuthOptions.Section, typeof(AuthOptions), check.Failures);
        }

        _current = initial;
        _reloads = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
    }

    /// <summary>Raised after the settings were read again (whether or not they changed).</summary>
    public event Action? Changed;

    public AuthOptions Current => Volatile.Read(ref _current);

    public void Dispose() => _reloads.Dispose();

    private (AuthOptions Options, ValidateOptionsResult Check) Read()
    {
        var options = new AuthOptions();
        _configuration.GetSection(AuthOptions.Section).Bind(options);
        return (options, new AuthOptionsValidator().Validate(null, options));
    }

    private void Reload()
    {
        var (fresh, check) = Read();
        if (check.Failed)
        {
            SecurityLog.EditRejected(_logger, check.FailureMessage);
            return;
        }

        Volatile.Write(ref _current, fresh);
        Changed?.Invoke();
    }
}
