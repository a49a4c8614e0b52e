namespace Ecosystem.Domain.Events;

public static class EventLimits
{
    public const int MaxIdLength = 200;
    public const int MaxTextLength = 10_000;
    public const int MaxEventsPerRequest = 1_000;
    public const int MaxRequestBytes = 5 * 1024 * 1024;
    public const int MaxListItems = 100;
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);
}
