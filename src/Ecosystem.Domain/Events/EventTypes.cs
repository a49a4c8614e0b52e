using System.Collections.Frozen;

namespace Ecosystem.Domain.Events;

/// <summary>The wire names of the activity events of the public contract.</summary>
public static class EventTypes
{
    public const string AgreementSigned = "agreement.signed";
    public const string TrainingCompleted = "training.completed";
    public const string CertificationEarned = "certification.earned";
    public const string PartnerEngaged = "partner.engaged";
    public const string SurveyResponded = "survey.responded";
    public const string DealRegistered = "deal.registered";
    public const string DealRegistrationReviewed = "deal.registration_reviewed";
    public const string DealTouch = "deal.touch";
    public const string DealStageChanged = "deal.stage_changed";
    public const string DealAmountChanged = "deal.amount_changed";
    public const string DealClosed = "deal.closed";
    public const string DealMessage = "deal.message";
    public const string LeadSubmitted = "lead.submitted";
    public const string LeadAccepted = "lead.accepted";
    public const string LeadDeclined = "lead.declined";
    public const string LeadConverted = "lead.converted";
    public const string AccountChurned = "account.churned";
    public const string IntegrationValidationReported = "integration.validation_reported";
    public const string IntegrationInstalled = "integration.installed";
    public const string IntegrationUninstalled = "integration.uninstalled";
    public const string IntegrationErrorReported = "integration.error_reported";
    public const string MarketplaceViewed = "marketplace.viewed";
    public const string DealClaimReviewed = "deal.claim_reviewed";

    // Changes made through the REST API, written by the engine with their actor (never sent to POST /api/events).
    public const string PartnerProfileSet = "partner.profile_set";
    public const string ProgramSet = "program.set";
    public const string IntegrationDefined = "integration.defined";
    public const string ApiKeyMinted = "api_key.minted";
    public const string ApiKeyRevoked = "api_key.revoked";

    public static readonly FrozenSet<string> All = new[]
    {
        AgreementSigned, TrainingCompleted, CertificationEarned, PartnerEngaged, SurveyResponded,
        DealRegistered, DealRegistrationReviewed, DealTouch, DealStageChanged, DealAmountChanged, DealClosed, DealMessage,
        LeadSubmitted, LeadAccepted, LeadDeclined, LeadConverted, AccountChurned,
        IntegrationValidationReported, IntegrationInstalled, IntegrationUninstalled, IntegrationErrorReported, MarketplaceViewed,
        DealClaimReviewed,
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The records of REST changes: in the log and the audit, but not types a client may send.</summary>
    public static readonly FrozenSet<string> Changes = new[]
    {
        PartnerProfileSet, ProgramSet, IntegrationDefined, ApiKeyMinted, ApiKeyRevoked,
    }.ToFrozenSet(StringComparer.Ordinal);

    public static bool IsDealEvent(string type) => type.StartsWith("deal.", StringComparison.Ordinal);

    public static bool IsLeadEvent(string type) => type.StartsWith("lead.", StringComparison.Ordinal);
}

public static class TouchRoles
{
    public const string Sourced = "sourced";
    public const string Referral = "referral";
    public const string Implementation = "implementation";
    public const string Influenced = "influenced";
    public static readonly FrozenSet<string> All = new[] { Sourced, Referral, Implementation, Influenced }.ToFrozenSet(StringComparer.Ordinal);
}

public static class DealStages
{
    public static readonly FrozenSet<string> All = new[] { "prospect", "qualified", "proposal", "negotiation" }.ToFrozenSet(StringComparer.Ordinal);
}
