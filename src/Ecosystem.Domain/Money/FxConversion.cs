using Ecosystem.Domain.Program;

namespace Ecosystem.Domain.Money;

/// <summary>
/// Converts money into the program's reporting currency at the rate in force on a given date: the
/// rate of that currency with the latest <see cref="FxRate.ValidFrom"/> on or before the date. No such
/// rate means no conversion: the caller must keep the amount aside rather than guess a rate.
/// </summary>
public static class FxConversion
{
    public static decimal? ToReporting(decimal amount, string currency, DateOnly on, ProgramSettings program)
    {
        if (currency == program.ReportingCurrency)
        {
            return amount;
        }

        FxRate? best = null;
        foreach (var rate in program.FxRates)
        {
            if (rate.Currency == currency && rate.ValidFrom <= on && (best is null || rate.ValidFrom > best.ValidFrom))
            {
                best = rate;
            }
        }

        return best is null ? null : Currencies.Round(amount * best.Rate, program.ReportingCurrency);
    }
}
