namespace Tributary.App.Dashboard.Session;

/// <summary>
/// What a screen reader is told: the session's state in one sentence, when it changes, at most every five seconds
/// (the live view itself changes up to ten times a second and is not a live region).
/// </summary>
internal sealed class Announcer(TimeProvider timeProvider)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private DateTimeOffset _last;
    private string _offered = "";

    public string Text { get; private set; } = "";

    /// <summary>Whether a sentence waits for its turn: renders must go on until it is told (a Stop is not lost).</summary>
    public bool Pending => _offered != Text;

    public void Offer(string sentence)
    {
        _offered = sentence;
        var now = timeProvider.GetUtcNow();
        if (sentence != Text && now - _last >= Interval)
        {
            Text = sentence;
            _last = now;
        }
    }
}
