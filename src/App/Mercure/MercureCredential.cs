namespace Tributary.App.Mercure;

/// <summary>What a request presented to the hub: no token, a token that failed (and why), or a verified grant.</summary>
internal readonly record struct MercureCredential(MercureGrant? Grant, string? Error)
{
    public static MercureCredential None => default;

    public bool Presented => Grant is not null || Error is not null;
}
