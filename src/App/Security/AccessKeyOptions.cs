namespace Tributary.App.Security;

/// <summary>One entry of <c>Auth:Keys</c>: a key's hash and what its holder may watch. The key itself is never stored.</summary>
public sealed class AccessKeyOptions
{
    /// <summary>Who holds the key, e.g. <c>grafana</c>; refusals and logs name it (never the key).</summary>
    public string Name { get; set; } = "";

    /// <summary><c>sha256:</c> and the hex SHA-256 of the key, as <c>keys new</c> prints it.</summary>
    public string Hash { get; set; } = "";

    /// <summary>Feed names the key may watch, or <c>*</c> for all.</summary>
    public string[] Feeds { get; set; } = [];

    /// <summary>Push feed names the key may publish to, or <c>*</c> for all; <see cref="Feeds"/> does not allow it.</summary>
    public string[] Publish { get; set; } = [];

    /// <summary>Whether the key may read <c>/api/stats</c> and the <c>system</c> feed.</summary>
    public bool Stats { get; set; }

    /// <summary>When the key stops working; open streams end then. <see langword="null"/> for never.</summary>
    public DateTimeOffset? Expires { get; set; }
}
