namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// NATS subject matching: <c>*</c> matches one token, <c>&gt;</c> one or more at the end. Servers before 2.10 ignore an
/// ordered consumer's subject filter, so a JetStream feed filters what it is sent as well.
/// </summary>
internal static class NatsSubject
{
    public static bool Matches(string filter, string subject)
    {
        var filterTokens = filter.Split('.');
        var subjectTokens = subject.Split('.');
        for (var i = 0; i < filterTokens.Length; i++)
        {
            if (filterTokens[i] == ">")
            {
                return subjectTokens.Length > i;
            }

            if (i >= subjectTokens.Length || (filterTokens[i] != "*" && !string.Equals(filterTokens[i], subjectTokens[i], StringComparison.Ordinal)))
            {
                return false;
            }
        }

        return filterTokens.Length == subjectTokens.Length;
    }
}
