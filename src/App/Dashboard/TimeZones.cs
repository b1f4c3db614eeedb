namespace Tributary.App.Dashboard;

/// <summary>The viewer's time zone, from the name the browser gives (IANA, e.g. <c>Europe/Paris</c>).</summary>
public static class TimeZones
{
    /// <summary>The zone called <paramref name="name"/>, or UTC when it is empty or unknown here.</summary>
    public static TimeZoneInfo Named(string? name)
    {
        try
        {
            return string.IsNullOrEmpty(name) ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(name);
        }
        catch (Exception failure) when (failure is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return TimeZoneInfo.Utc;
        }
    }
}
