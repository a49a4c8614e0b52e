using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ecosystem.Domain.Accounts;
using Ecosystem.Domain.Money;

namespace Ecosystem.Domain.Events;

/// <summary>
/// The outcome of reading one event: the event, or why it was refused: <see cref="Errors"/> holds every problem keyed by
/// field (the same shape as a 400's <c>errors</c> map), <see cref="Error"/> the same in one line.
/// </summary>
public readonly record struct ParsedEvent(string? Id, ActivityEvent? Event, string? Error, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public bool IsValid => Event is not null;
}

/// <summary>
/// Turns one JSON value into a validated <see cref="ActivityEvent"/>. Every rule of the contract's
/// event table lives here, so that the intake, a replay and a test all judge an event the same way.
/// </summary>
public static partial class EventParser
{
    // Date, "T", time, and an explicit zone: a bare local time would mean a different instant on every machine.
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}(:?\d{2})?)$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoWithOffset();

    /// <param name="now">The server's clock, to refuse events from the future; null when re-reading the log.</param>
    public static ParsedEvent Parse(JsonElement json, DateTimeOffset? now)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            return new(null, null, "an event must be a JSON object");
        }

        var r = new FieldReader(json);
        var id = r.Id("id");
        var type = r.RequiredString("type", EventLimits.MaxIdLength);
        if (!r.Failed("type") && !EventTypes.All.Contains(type!))
        {
            r.Fail("type", $"unknown event type '{type}'");
        }

        var occurredAt = r.RequiredTime("occurredAt");
        if (!r.Failed("occurredAt") && now is { } clock && occurredAt > clock + EventLimits.MaxClockSkew)
        {
            r.Fail("occurredAt", "is more than 5 minutes in the future");
        }

        if (r.Failed("id") || r.Failed("type"))
        {
            // Without a type there are no fields to judge; without an id the answer names the id as sent, if any.
            return r.Refused(r.Failed("id") ? TryRawId(json) : id);
        }

        var e = new ActivityEvent { Id = id!, Type = type!, OccurredAt = occurredAt };
        e = type switch
        {
            EventTypes.AgreementSigned => e with
            {
                PartnerId = r.Id("partnerId"),
                Document = r.OneOf("document", "nda", "program_terms"),
                Version = r.RequiredString("version", EventLimits.MaxIdLength),
            },
            EventTypes.TrainingCompleted => e with { PartnerId = r.Id("partnerId"), Module = r.RequiredString("module", EventLimits.MaxIdLength) },
            EventTypes.CertificationEarned => e with
            {
                PartnerId = r.Id("partnerId"),
                Certification = r.RequiredString("certification", EventLimits.MaxIdLength),
                ExpiresAt = r.OptionalTime("expiresAt"),
            },
            EventTypes.PartnerEngaged => e with { PartnerId = r.Id("partnerId"), Activity = r.RequiredString("activity", EventLimits.MaxIdLength) },
            EventTypes.SurveyResponded => e with
            {
                PartnerId = r.Id("partnerId"),
                Score = r.RequiredInt("score", 0, 10),
                Comment = r.OptionalString("comment", EventLimits.MaxTextLength),
            },
            EventTypes.DealRegistered => ReadMoney(r, e with
            {
                DealId = r.Id("dealId"),
                PartnerId = r.Id("partnerId"),
                AccountIdAsSent = r.Id("accountId"),
                ExpectedCloseAt = r.OptionalTime("expectedCloseAt"),
                Products = r.OptionalStringList("products"),
            }, required: true),
            EventTypes.DealRegistrationReviewed => e with { DealId = r.Id("dealId"), Decision = r.OneOf("decision", "approved", "rejected") },
            EventTypes.DealClaimReviewed => e with
            {
                DealId = r.Id("dealId"),
                ClaimId = r.Id("claimId"),
                Decision = r.OneOf("decision", "approved", "rejected"),
                Reason = r.OptionalString("reason", EventLimits.MaxTextLength),
            },
            EventTypes.DealTouch => e with
            {
                DealId = r.Id("dealId"),
                PartnerId = r.Id("partnerId"),
                Role = r.OneOf("role", [.. TouchRoles.All]),
                Activity = r.OptionalString("activity", EventLimits.MaxIdLength),
            },
            EventTypes.DealStageChanged => e with { DealId = r.Id("dealId"), Stage = r.OneOf("stage", [.. DealStages.All]) },
            EventTypes.DealAmountChanged => ReadMoney(r, e with { DealId = r.Id("dealId") }, required: true),
            EventTypes.DealClosed => ReadMoney(r, e with { DealId = r.Id("dealId"), Outcome = r.OneOf("outcome", "won", "lost") }, required: false),
            EventTypes.DealMessage => e with
            {
                DealId = r.Id("dealId"),
                Author = r.RequiredString("author", EventLimits.MaxIdLength),
                Text = r.RequiredString("text", EventLimits.MaxTextLength),
            },
            EventTypes.LeadSubmitted => ReadLeadSource(r, e with
            {
                LeadId = r.Id("leadId"),
                AccountIdAsSent = r.Id("accountId"),
                Region = r.RequiredString("region", EventLimits.MaxIdLength),
                Industry = r.OptionalString("industry", EventLimits.MaxIdLength),
                Source = r.OneOf("source", "marketing", "partner", "alliance"),
            }),
            EventTypes.LeadAccepted or EventTypes.LeadDeclined => e with
            {
                LeadId = r.Id("leadId"),
                PartnerId = r.Id("partnerId"),
                Reason = r.OptionalString("reason", EventLimits.MaxTextLength),
            },
            EventTypes.LeadConverted => e with { LeadId = r.Id("leadId"), DealId = r.Id("dealId") },
            EventTypes.AccountChurned => e with { AccountIdAsSent = r.Id("accountId") },
            EventTypes.IntegrationValidationReported => e with
            {
                IntegrationId = r.Id("integrationId"),
                Suite = r.RequiredString("suite", EventLimits.MaxIdLength),
                Passed = r.RequiredInt("passed", 0, int.MaxValue),
                Failed = r.RequiredInt("failed", 0, int.MaxValue),
                P95LatencyMs = r.RequiredDecimal("p95LatencyMs"),
                SecurityFindings = r.Findings("securityFindings"),
            },
            EventTypes.IntegrationInstalled or EventTypes.IntegrationUninstalled => e with
            {
                IntegrationId = r.Id("integrationId"),
                AccountIdAsSent = r.Id("accountId"),
            },
            EventTypes.IntegrationErrorReported => e with
            {
                IntegrationId = r.Id("integrationId"),
                Errors = r.RequiredLong("errors"),
                Calls = r.RequiredLong("calls"),
            },
            EventTypes.MarketplaceViewed => e with
            {
                IntegrationId = r.Id("integrationId"),
                AccountIdAsSent = r.OptionalId("accountId"),
            },
            _ => e,
        };

        if (!r.Failed("p95LatencyMs") && e.P95LatencyMs < 0)
        {
            r.Fail("p95LatencyMs", "must not be negative");
        }

        if (!r.Failed("errors") && !r.Failed("calls") && e.Type == EventTypes.IntegrationErrorReported && e.Errors > e.Calls)
        {
            r.Fail("errors", "cannot exceed calls");
        }

        if (r.HasErrors)
        {
            return r.Refused(id);
        }

        if (e.AccountIdAsSent is { } account)
        {
            e = e with { AccountId = AccountDomain.Normalize(account) };
        }

        return new(id, e, null);
    }

    private static ActivityEvent ReadMoney(FieldReader r, ActivityEvent e, bool required)
    {
        var amount = required ? r.RequiredDecimal("amount") : r.OptionalDecimal("amount");
        var currency = required || amount is not null ? r.Currency("currency") : r.OptionalCurrency("currency");
        if (!r.Failed("amount") && amount < 0)
        {
            r.Fail("amount", "must not be negative");
        }

        if (r.Failed("amount") || r.Failed("currency") || amount is null || currency is null)
        {
            return e with { Amount = amount, Currency = currency };
        }

        return e with { Amount = Currencies.Round(amount.Value, currency), Currency = currency };
    }

    private static ActivityEvent ReadLeadSource(FieldReader r, ActivityEvent e)
    {
        var sourcePartner = r.OptionalId("sourcePartnerId");
        if (!r.Failed("source") && !r.Failed("sourcePartnerId") && e.Source == "partner" && sourcePartner is null)
        {
            r.Fail("sourcePartnerId", "is required when source is 'partner'");
        }

        return e with { SourcePartnerId = sourcePartner };
    }

    private static string? TryRawId(JsonElement json) =>
        json.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && FieldReader.TryGetString(id, out var s) ? s : null;

    /// <summary>Reads fields and remembers every field's first problem; a field that failed once reads as absent after.</summary>
    private sealed class FieldReader(JsonElement json)
    {
        private Dictionary<string, string>? _errors;

        public bool HasErrors => _errors is not null;

        /// <summary>Every problem in one line, in the order found ("field: problem; field: problem").</summary>
        public string? Error => _errors is null ? null : string.Join("; ", _errors.Select(e => $"{e.Key}: {e.Value}"));

        public bool Failed(string field) => _errors?.ContainsKey(field) == true;

        public void Fail(string field, string message) => (_errors ??= new(StringComparer.Ordinal)).TryAdd(field, message);

        public ParsedEvent Refused(string? id) =>
            new(id, null, Error, _errors!.ToDictionary(e => e.Key, e => new[] { e.Value }, StringComparer.Ordinal));

        private bool TryGet(string field, out JsonElement value)
        {
            if (!Failed(field) && json.TryGetProperty(field, out value) && value.ValueKind != JsonValueKind.Null)
            {
                return true;
            }

            value = default;
            return false;
        }

        private bool Missing(string field)
        {
            Fail(field, "is required");
            return true;
        }

        public string? Id(string field)
        {
            var s = RequiredString(field, EventLimits.MaxIdLength);
            return s is not null && CheckPrintable(field, s) ? s : null;
        }

        public string? OptionalId(string field)
        {
            var s = OptionalString(field, EventLimits.MaxIdLength);
            return s is not null && CheckPrintable(field, s) ? s : null;
        }

        private bool CheckPrintable(string field, string s)
        {
            foreach (var c in s)
            {
                if (char.IsControl(c))
                {
                    Fail(field, "must contain printable characters only");
                    return false;
                }
            }

            if (string.IsNullOrWhiteSpace(s))
            {
                Fail(field, "must not be blank");
                return false;
            }

            return true;
        }

        public string? RequiredString(string field, int maxLength)
        {
            if (Failed(field))
            {
                return null;
            }

            if (!TryGet(field, out _) && Missing(field))
            {
                return null;
            }

            var s = OptionalString(field, maxLength);
            if (s is not null && s.Length == 0)
            {
                Fail(field, "must not be empty");
                return null;
            }

            return s;
        }

        public string? OptionalString(string field, int maxLength)
        {
            if (!TryGet(field, out var v))
            {
                return null;
            }

            if (v.ValueKind != JsonValueKind.String)
            {
                Fail(field, "must be a string");
                return null;
            }

            if (!TryGetString(v, out var s))
            {
                Fail(field, "is not valid Unicode text (unpaired surrogate escape)");
                return null;
            }

            if (s.Length > maxLength)
            {
                Fail(field, $"must be at most {maxLength} characters");
                return null;
            }

            return s;
        }

        /// <summary>System.Text.Json accepts "\ud800" in a document but cannot turn it into a string.</summary>
        public static bool TryGetString(JsonElement v, out string value)
        {
            try
            {
                value = v.GetString()!;
                return true;
            }
            catch (InvalidOperationException)
            {
                value = "";
                return false;
            }
        }

        public string? OneOf(string field, params string[] allowed)
        {
            var s = RequiredString(field, EventLimits.MaxIdLength);
            if (s is not null && Array.IndexOf(allowed, s) < 0)
            {
                Fail(field, $"must be one of {string.Join(", ", allowed)}");
                return null;
            }

            return s;
        }

        public DateTimeOffset RequiredTime(string field)
        {
            if (!Failed(field) && !TryGet(field, out _))
            {
                Missing(field);
            }

            return OptionalTime(field) ?? default;
        }

        public DateTimeOffset? OptionalTime(string field)
        {
            if (!TryGet(field, out var v))
            {
                return null;
            }

            if (v.ValueKind != JsonValueKind.String
                || !TryGetString(v, out var text)
                || !IsoWithOffset().IsMatch(text)
                || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
            {
                Fail(field, "must be an ISO-8601 time with an offset, e.g. 2026-11-25T12:00:00Z");
                return null;
            }

            return t.ToUniversalTime();
        }

        public decimal? RequiredDecimal(string field)
        {
            if (!Failed(field) && !TryGet(field, out _))
            {
                Missing(field);
                return null;
            }

            return OptionalDecimal(field);
        }

        public decimal? OptionalDecimal(string field)
        {
            if (!TryGet(field, out var v))
            {
                return null;
            }

            if (v.ValueKind != JsonValueKind.Number || !v.TryGetDecimal(out var d))
            {
                Fail(field, "must be a number");
                return null;
            }

            if (d > 1_000_000_000_000_000m)
            {
                Fail(field, "is too large");
                return null;
            }

            return d;
        }

        public int? RequiredInt(string field, int min, int max)
        {
            if (!Failed(field) && !TryGet(field, out _))
            {
                Missing(field);
                return null;
            }

            if (!TryGet(field, out var v))
            {
                return null;
            }

            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var i) || i < min || i > max)
            {
                Fail(field, $"must be a whole number from {min} to {max}");
                return null;
            }

            return i;
        }

        public long? RequiredLong(string field)
        {
            if (!Failed(field) && !TryGet(field, out _))
            {
                Missing(field);
                return null;
            }

            if (!TryGet(field, out var v))
            {
                return null;
            }

            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var l) || l < 0)
            {
                Fail(field, "must be a non-negative whole number");
                return null;
            }

            return l;
        }

        public string? Currency(string field)
        {
            var c = RequiredString(field, 3);
            return CheckCurrency(field, c);
        }

        public string? OptionalCurrency(string field) => CheckCurrency(field, OptionalString(field, 3));

        private string? CheckCurrency(string field, string? c)
        {
            if (c is not null && !Currencies.IsKnown(c))
            {
                Fail(field, "must be a supported ISO-4217 code in upper case, e.g. USD");
                return null;
            }

            return c;
        }

        public IReadOnlyList<string>? OptionalStringList(string field)
        {
            if (!TryGet(field, out var v))
            {
                return null;
            }

            if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() > EventLimits.MaxListItems)
            {
                Fail(field, $"must be an array of at most {EventLimits.MaxListItems} strings");
                return null;
            }

            var list = new List<string>(v.GetArrayLength());
            foreach (var item in v.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String || !TryGetString(item, out var text) || text.Length > EventLimits.MaxIdLength)
                {
                    Fail(field, $"must be an array of strings of at most {EventLimits.MaxIdLength} characters");
                    return null;
                }

                list.Add(text);
            }

            return list;
        }

        public IReadOnlyList<SecurityFinding>? Findings(string field)
        {
            if (!TryGet(field, out var v))
            {
                return [];
            }

            if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() > EventLimits.MaxListItems)
            {
                Fail(field, $"must be an array of at most {EventLimits.MaxListItems} findings");
                return null;
            }

            var list = new List<SecurityFinding>();
            foreach (var item in v.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    Fail(field, "each finding must be an object {severity, title}");
                    return null;
                }

                var inner = new FieldReader(item);
                var severity = inner.OneOf("severity", "low", "medium", "high");
                var title = inner.RequiredString("title", EventLimits.MaxTextLength);
                if (inner.Error is not null)
                {
                    Fail(field, inner.Error);
                    return null;
                }

                list.Add(new SecurityFinding(severity!, title!));
            }

            return list;
        }
    }
}
