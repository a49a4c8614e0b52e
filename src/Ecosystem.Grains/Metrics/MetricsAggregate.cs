using Ecosystem.Contracts.Metrics;
using Ecosystem.Contracts.Partners;
using Ecosystem.Domain.Money;
using Ecosystem.Domain.Partners;
using Ecosystem.Domain.Program;

namespace Ecosystem.Grains.Metrics;

/// <summary>The last report of every entity with a part in the figures. The running totals are rebuilt from it on activation.</summary>
[GenerateSerializer, Alias("eco.MetricsState")]
public sealed class MetricsState
{
    [Id(0)] public Dictionary<string, PartnerMetricsReport> Partners { get; set; } = [];
    /// <summary>Only deals with a partner part.</summary>
    [Id(1)] public Dictionary<string, DealMetricsReport> Deals { get; set; } = [];
    [Id(2)] public Dictionary<string, LeadMetricsReport> Leads { get; set; } = [];
    /// <summary>The version of the last report taken from each entity (kept for a deal whose part went to none).</summary>
    [Id(3)] public Dictionary<string, long> PartnerVersions { get; set; } = [];
    [Id(4)] public Dictionary<string, long> DealVersions { get; set; } = [];
    [Id(5)] public Dictionary<string, long> LeadVersions { get; set; } = [];
}

/// <summary>
/// Running totals over the reports in a <see cref="MetricsState"/>. A new report of an entity takes its old report
/// out of the totals and puts the new one in, so each report costs O(1) (O(log n) plus a shift for the medians'
/// sorted lists) and reading the figures never walks the deals. The only full pass over the deals is when the
/// program's reporting currency or FX rates change: every deal's amount is converted again, once.
/// </summary>
public sealed class MetricsAggregate
{
    private readonly MetricsState _state;

    private readonly Dictionary<(string Type, string Tier, string Stage), long> _cells = [];
    private readonly SortedValues _activationDays = new();
    private readonly SortedSet<string> _atRisk = new(StringComparer.Ordinal);
    private long _promoters, _passives, _detractors;

    /// <summary>Each deal's amount in the reporting currency as it went into the totals (null: no rate in force).</summary>
    private readonly Dictionary<string, decimal?> _converted = [];
    private RevenueTotals _sourced = new(), _influenced = new();
    private long _unconverted;
    private string _reportingCurrency = "";
    private IReadOnlyList<FxRate> _fxRates = [];

    private long _submitted, _offered, _accepted, _declined, _expired, _pending, _unroutable, _convertedLeads;
    private readonly SortedValues _secondsToAccept = new();

    public MetricsAggregate(MetricsState state, ProgramSettings program)
    {
        _state = state;
        foreach (var (partnerId, report) in state.Partners)
        {
            Count(report, +1);
            if (report.AtRisk)
            {
                _atRisk.Add(partnerId);
            }
        }

        foreach (var report in state.Leads.Values)
        {
            Count(report, +1);
        }

        ConvertAllDeals(program);
    }

    /// <summary>Replaces the partner's report; false when it is the one already counted or older than it.</summary>
    public bool SetPartner(string partnerId, long version, PartnerMetricsReport report)
    {
        if (!Newer(_state.PartnerVersions, partnerId, version))
        {
            return false;
        }

        if (_state.Partners.TryGetValue(partnerId, out var old))
        {
            if (old == report)
            {
                return false;
            }

            Count(old, -1);
        }

        _state.Partners[partnerId] = report;
        Count(report, +1);
        if (report.AtRisk)
        {
            _atRisk.Add(partnerId);
        }
        else
        {
            _atRisk.Remove(partnerId);
        }

        return true;
    }

    /// <summary>Replaces the deal's report (null: it has no partner part any more); false when nothing changed.</summary>
    public bool SetDeal(string dealId, long version, DealMetricsReport? report, ProgramSettings program)
    {
        var rebased = Rebase(program);
        if (!Newer(_state.DealVersions, dealId, version))
        {
            return rebased;
        }

        _state.Deals.TryGetValue(dealId, out var old);
        if (old == report)
        {
            return rebased;
        }

        if (old is not null)
        {
            Count(old, _converted[dealId], -1);
            _converted.Remove(dealId);
            _state.Deals.Remove(dealId);
        }

        if (report is not null)
        {
            var converted = Convert(report, program);
            _state.Deals[dealId] = report;
            _converted[dealId] = converted;
            Count(report, converted, +1);
        }

        return true;
    }

    /// <summary>Replaces the lead's report; false when it is the one already counted or older than it.</summary>
    public bool SetLead(string leadId, long version, LeadMetricsReport report)
    {
        if (!Newer(_state.LeadVersions, leadId, version))
        {
            return false;
        }

        if (_state.Leads.TryGetValue(leadId, out var old))
        {
            if (old == report)
            {
                return false;
            }

            Count(old, -1);
        }

        _state.Leads[leadId] = report;
        Count(report, +1);
        return true;
    }

    /// <summary>Records <paramref name="version"/> unless an entity's later report was taken already (one-way calls may overtake each other).</summary>
    private static bool Newer(Dictionary<string, long> versions, string id, long version)
    {
        if (versions.TryGetValue(id, out var held) && version < held)
        {
            return false;
        }

        versions[id] = version;
        return true;
    }

    /// <summary>
    /// Converts every deal again when the program's reporting currency or FX rates are not those the totals were
    /// built with. True when it did.
    /// </summary>
    public bool Rebase(ProgramSettings program)
    {
        if (program.ReportingCurrency == _reportingCurrency && program.FxRates.SequenceEqual(_fxRates))
        {
            return false;
        }

        ConvertAllDeals(program);
        return true;
    }

    public EcosystemFigures Figures(ProgramSettings program)
    {
        Rebase(program);
        return new EcosystemFigures
        {
            Partners = PartnerCounts(program),
            Revenue = new RevenueMetrics
            {
                Currency = _reportingCurrency,
                Sourced = _sourced.View(),
                Influenced = _influenced.View(),
                UnconvertedDeals = _unconverted,
            },
            Activation = new ActivationMetrics { MedianDays = _activationDays.Median(), ActivatedPartners = _activationDays.Count },
            Leads = new LeadMetrics
            {
                Submitted = _submitted,
                Offered = _offered,
                Accepted = _accepted,
                Declined = _declined,
                Expired = _expired,
                Pending = _pending,
                Unroutable = _unroutable,
                Converted = _convertedLeads,
                MedianSecondsToAccept = _secondsToAccept.Median() is { } median ? Math.Round(median, 3, MidpointRounding.AwayFromZero) : null,
            },
            Nps = Nps(),
            AtRiskPartners = [.. _atRisk],
        };
    }

    // ---- Partners ---------------------------------------------------------------------------------

    private void Count(PartnerMetricsReport r, int sign)
    {
        var cell = (r.PartnerType, r.Tier, r.LifecycleStage);
        var n = _cells.GetValueOrDefault(cell) + sign;
        if (n == 0)
        {
            _cells.Remove(cell);
        }
        else
        {
            _cells[cell] = n;
        }

        if (r.ActivationDays is { } days)
        {
            _activationDays.Change(days, sign);
        }

        _promoters += sign * r.Promoters;
        _passives += sign * r.Passives;
        _detractors += sign * r.Detractors;
    }

    /// <summary>
    /// Counts by type (every partner type), by tier (the program's tiers, lowest first, then any other tier still held),
    /// by stage (every stage), and the non-empty type × tier × stage cells; only the cells are kept, so this is cheap.
    /// </summary>
    private PartnerCounts PartnerCounts(ProgramSettings program)
    {
        var byType = PartnerTypes.All.ToDictionary(t => t, _ => 0L, StringComparer.Ordinal);
        var byTier = program.Tiers.Levels.Select(l => l.Name).Distinct(StringComparer.Ordinal).ToDictionary(t => t, _ => 0L, StringComparer.Ordinal);
        var byStage = LifecycleStages.All.ToDictionary(s => s, _ => 0L, StringComparer.Ordinal);
        long total = 0;
        foreach (var ((type, tier, stage), n) in _cells)
        {
            total += n;
            byType[type] = byType.GetValueOrDefault(type) + n;
            byTier[tier] = byTier.GetValueOrDefault(tier) + n;
            byStage[stage] = byStage.GetValueOrDefault(stage) + n;
        }

        return new PartnerCounts
        {
            Total = total,
            ByType = byType,
            ByTier = byTier,
            ByStage = byStage,
            Breakdown = [.. _cells
                .OrderBy(c => c.Key.Type, StringComparer.Ordinal)
                .ThenBy(c => c.Key.Tier, StringComparer.Ordinal)
                .ThenBy(c => c.Key.Stage, StringComparer.Ordinal)
                .Select(c => new PartnerCountCell(c.Key.Type, c.Key.Tier, c.Key.Stage, c.Value))],
        };
    }

    /// <summary>NPS = (promoters − detractors) × 100 / responses, rounded half away from zero to one decimal.</summary>
    private NpsMetrics Nps()
    {
        var responses = _promoters + _passives + _detractors;
        return new NpsMetrics
        {
            Score = responses == 0 ? null : Math.Round((_promoters - _detractors) * 100m / responses, 1, MidpointRounding.AwayFromZero),
            Responses = responses,
            Promoters = _promoters,
            Passives = _passives,
            Detractors = _detractors,
        };
    }

    // ---- Deals ------------------------------------------------------------------------------------

    private static decimal? Convert(DealMetricsReport r, ProgramSettings program) =>
        FxConversion.ToReporting(r.Amount, r.Currency, r.RateDate, program);

    private void ConvertAllDeals(ProgramSettings program)
    {
        _sourced = new RevenueTotals();
        _influenced = new RevenueTotals();
        _unconverted = 0;
        _converted.Clear();
        foreach (var (dealId, report) in _state.Deals)
        {
            var converted = Convert(report, program);
            _converted[dealId] = converted;
            Count(report, converted, +1);
        }

        _reportingCurrency = program.ReportingCurrency;
        _fxRates = program.FxRates;
    }

    private void Count(DealMetricsReport r, decimal? converted, int sign)
    {
        var totals = r.Sourced ? _sourced : _influenced;
        switch (r.Status)
        {
            case DealMetricsStatus.Won:
                totals.WonDeals += sign;
                totals.Won += sign * (converted ?? 0);
                break;
            case DealMetricsStatus.Lost:
                totals.LostDeals += sign;
                return;
            default:
                totals.OpenDeals += sign;
                totals.Open += sign * (converted ?? 0);
                break;
        }

        if (converted is null)
        {
            _unconverted += sign;
        }
    }

    private sealed class RevenueTotals
    {
        public decimal Won;
        public decimal Open;
        public long WonDeals;
        public long OpenDeals;
        public long LostDeals;

        public RevenueSplit View() => new() { Won = Won, Open = Open, WonDeals = WonDeals, OpenDeals = OpenDeals, LostDeals = LostDeals };
    }

    // ---- Leads ------------------------------------------------------------------------------------

    private void Count(LeadMetricsReport r, int sign)
    {
        _submitted += sign;
        _offered += sign * r.Offered;
        _accepted += sign * r.Accepted;
        _declined += sign * r.Declined;
        _expired += sign * r.Expired;
        _pending += r.Pending ? sign : 0;
        _unroutable += r.Unroutable ? sign : 0;
        _convertedLeads += r.Converted ? sign : 0;
        if (r.SecondsToAccept is { } seconds)
        {
            _secondsToAccept.Change(seconds, sign);
        }
    }
}

/// <summary>A multiset of decimals kept sorted, for a median read in O(1); adding or removing a value is a binary search and a shift.</summary>
public sealed class SortedValues
{
    private readonly List<decimal> _values = [];

    public int Count => _values.Count;

    /// <summary>Adds (<paramref name="sign"/> &gt; 0) or removes one occurrence of <paramref name="value"/>.</summary>
    public void Change(decimal value, int sign)
    {
        var i = _values.BinarySearch(value);
        if (sign > 0)
        {
            _values.Insert(i < 0 ? ~i : i, value);
        }
        else if (i >= 0)
        {
            _values.RemoveAt(i);
        }
    }

    /// <summary>The middle value, or the mean of the two middle values of an even count; null when empty.</summary>
    public decimal? Median()
    {
        var n = _values.Count;
        if (n == 0)
        {
            return null;
        }

        return n % 2 == 1 ? _values[n / 2] : (_values[(n / 2) - 1] + _values[n / 2]) / 2;
    }
}
