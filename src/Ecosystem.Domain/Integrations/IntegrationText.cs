using System.Globalization;

namespace Ecosystem.Domain.Integrations;

/// <summary>How figures read in reasons and details: invariant culture, short, one line.</summary>
internal static class IntegrationText
{
    public static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>"7.5%", "5.0%", "5.04%": one decimal at least, three at most.</summary>
    public static string Percent1(decimal fraction) => Inv($"{Math.Round(fraction * 100, 3, MidpointRounding.AwayFromZero):0.0##}%");

    /// <summary>"75%": a whole percentage.</summary>
    public static string Percent0(decimal fraction) => Inv($"{Math.Round(fraction * 100, 0, MidpointRounding.AwayFromZero):0}%");

    /// <summary>"1000", "12.5", "0.25": up to two decimals, no grouping.</summary>
    public static string Number(decimal value) => Inv($"{Math.Round(value, 2, MidpointRounding.AwayFromZero):0.##}");

    /// <summary>"1 account" / "3 accounts".</summary>
    public static string Count(long n, string singular, string plural) => n == 1 ? Inv($"1 {singular}") : Inv($"{n} {plural}");

    /// <summary>A client-chosen text cut to <paramref name="max"/> characters, so that a reason stays one short line.</summary>
    public static string Clip(string? text, int max = 80)
    {
        var s = (text ?? "").ReplaceLineEndings(" ").Trim();
        return s.Length <= max ? s : string.Concat(s.AsSpan(0, max - 1), "…");
    }

    public static decimal Days(TimeSpan span) => (decimal)span.Ticks / TimeSpan.TicksPerDay;

    public static decimal Round1(decimal value) => Math.Round(value, 1, MidpointRounding.AwayFromZero);
}
