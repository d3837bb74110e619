// SLAClaim admission (issue 13 item 1, domain.md §8, seed §8.2): who files and who answers, the
// stamps, and the filing rules that need the stored objects and the clock. The CRD holds what is
// per object (a ticket listed once: a `set`; an amount from 0; a reason for a partial or rejected
// answer; the spec frozen once filed, the answer once given); the controller judges the claim
// again as conditions (GitOps applies in any order, the webhook may have been down).
//
//   filing    an SLAClaimer contact of the tenant (Forbidden otherwise: a contact without the
//             role, a stranger, the provider writing a new claim: it may only re-create a record,
//             with its filedBy and filedAt, judged on them alone: GitOps may apply it before its
//             contract and report); for the namespace's own contract (spec.contractRef);
//             a month over, its report final, and the claim deadline not passed at the request
//             (claims.ts claimProblems: spec.month); each ticket one of the month's report
//             (spec.incidents[i]): in its GTR or GTC rows, or a P1 of the namespace that touched
//             the month (it interrupted a function: the controller's basis says for sure)
//   answer    the provider side's only (a client answering is refused naming spec.answer), once
//             the operator wrote the claim's credit (status.creditAmount); a partial amount at
//             most that credit; an acceptance records it (answer.amount, stamped)
//   stamps    filedBy/filedAt from the request on a client's filing, answeredBy/answeredAt on
//             the provider's answer; put back from the stored claim on every update
import { SLAClaim as SLAClaimSchema, calendarToDomain, fieldErrors, type SLAClaim } from '../api/v1alpha1/index.ts';
import { DEFAULT_CALENDAR, monthPeriod } from '../domain/calendar.ts';
import { answerProblems, claimProblems, type ClaimAnswer } from '../domain/claims.ts';
import { ALLOW, deny, pointer, type AdmissionRequest, type JsonPatchOp, type UserInfo, type Verdict, type Violation } from './admission.ts';
import { actsForProvider, describeUser, identify, type IdentityConfig } from './identity.ts';
import { tenantOf, type RuleContext, type TenantView } from './view.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const specOf = (o: unknown): Json | undefined => (isObject(o) && isObject(o.spec) ? o.spec : undefined);
const stampTime = (now: Date): string => `${now.toISOString().slice(0, 19)}Z`;
const stampOf = (user: UserInfo): { username: string; groups?: string[] } => {
  const groups = (user.groups ?? []).slice(0, 32);
  return { username: user.username ?? '', ...(groups.length > 0 ? { groups } : {}) };
};

function timeZoneOf(view: TenantView, namespace: string): string {
  const calendar = calendarToDomain(tenantOf(view, namespace));
  return calendar.ok ? calendar.value.timeZone : DEFAULT_CALENDAR.timeZone;
}

// ---- the mutating hook --------------------------------------------------------------------------

/** The claim's credit as the operator wrote it (status.creditAmount); undefined until computed. */
function creditOf(o: unknown): number | undefined {
  const credit = (o as { status?: { creditAmount?: unknown } } | undefined)?.status?.creditAmount;
  return typeof credit === 'number' ? credit : undefined;
}

function setField(patch: JsonPatchOp[], spec: Json, field: string, wanted: unknown, ...under: string[]): void {
  if (wanted === undefined) {
    if (field in spec) patch.push({ op: 'remove', path: pointer('spec', ...under, field) });
    Reflect.deleteProperty(spec, field);
  } else if (JSON.stringify(spec[field]) !== JSON.stringify(wanted)) {
    patch.push({ op: 'add', path: pointer('spec', ...under, field), value: wanted });
    spec[field] = wanted;
  }
}

/**
 * The stamps of an SLAClaim write: a client's filing gets filedBy and filedAt from the request; a
 * provider's creation keeps what its record says (the validating hook asks for both); a new answer
 * of the provider gets answeredBy and answeredAt; an update puts the stored stamps (and a stored
 * answer) back. Returns the patch and the spec as it will be (for the trace).
 */
export function claimStamps(request: AdmissionRequest, config: IdentityConfig, now: Date): { patch: JsonPatchOp[]; spec: Json } | undefined {
  const body = specOf(request.object);
  if (body === undefined) return undefined;
  const spec: Json = structuredClone(body);
  const old = specOf(request.oldObject);
  const patch: JsonPatchOp[] = [];
  const provider = actsForProvider(identify(request.userInfo, undefined, config));
  if (request.operation === 'CREATE') {
    if (!provider) {
      setField(patch, spec, 'filedBy', stampOf(request.userInfo));
      setField(patch, spec, 'filedAt', stampTime(now));
    }
    return { patch, spec };
  }
  setField(patch, spec, 'filedBy', old?.filedBy);
  setField(patch, spec, 'filedAt', old?.filedAt);
  if (isObject(old?.answer)) {
    setField(patch, spec, 'answer', old.answer);
  } else if (isObject(spec.answer) && provider) {
    const answer = spec.answer;
    setField(patch, answer, 'answeredBy', stampOf(request.userInfo), 'answer');
    setField(patch, answer, 'answeredAt', stampTime(now), 'answer');
    // An acceptance records the credit it accepts: the claim's, as the operator computed it.
    if (answer.decision === 'Accepted') setField(patch, answer, 'amount', creditOf(request.oldObject), 'answer');
  }
  return { patch, spec };
}

// ---- the validating hook ------------------------------------------------------------------------

/** The domain's answer from the spec's (the CRD has checked its shape). */
function answerOf(a: NonNullable<SLAClaim['spec']['answer']>): ClaimAnswer {
  if (a.decision === 'PartlyAccepted') return { decision: 'PartlyAccepted', amount: a.amount ?? 0, reason: a.reason ?? '' };
  if (a.decision === 'Rejected') return { decision: 'Rejected', reason: a.reason ?? '' };
  return { decision: 'Accepted', ...(a.amount === undefined ? {} : { amount: a.amount }) };
}

/**
 * Whether `name` is a ticket of the month as the final report shows it: one of its GTR or GTC
 * rows, or (the report lists neither the incidents that interrupted a function without being
 * in its GTR rows, nor the rows beyond its bound) a P1 of the namespace that touched the month.
 */
function knownTicket(ctx: RuleContext, namespace: string, report: { status?: { gtr?: { incidents?: readonly { name: string }[] }; gtc?: { changes?: readonly { name: string }[]; omitted?: number } } }, name: string, period: { start: Date; end: Date }): boolean {
  if ((report.status?.gtr?.incidents ?? []).some((r) => r.name === name)) return true;
  if ((report.status?.gtc?.changes ?? []).some((r) => r.name === name)) return true;
  if ((report.status?.gtc?.omitted ?? 0) > 0 && ctx.view.changes(namespace).some((c) => c.metadata.name === name)) return true;
  return ctx.view.incidents(namespace).some((i) => i.metadata.name === name
    && new Date(i.spec.openedAt).getTime() < period.end.getTime()
    && (i.spec.resolvedAt === undefined || new Date(i.spec.resolvedAt).getTime() > period.start.getTime()));
}

export function validateClaim(request: AdmissionRequest, ctx: RuleContext): Verdict {
  const namespace = request.namespace ?? '';
  const parsed = SLAClaimSchema.safeParse(request.object);
  if (!parsed.success) return deny('Invalid', fieldErrors(parsed.error));
  const claim = parsed.data;
  const oldParsed = request.operation === 'UPDATE' ? SLAClaimSchema.safeParse(request.oldObject) : undefined;
  const before = oldParsed?.success === true ? oldParsed.data : undefined;
  const tenant = tenantOf(ctx.view, namespace);
  const id = identify(request.userInfo, tenant, ctx.identity);
  const provider = actsForProvider(id);
  const who = describeUser(id);
  const tenantName = tenant === undefined ? `(no ManagedTenant in namespace '${namespace}')` : `ManagedTenant '${tenant.metadata.name}'`;

  if (before === undefined) {
    // Who files: an SLAClaimer contact; the provider only re-creates a recorded claim.
    if (!provider && !id.roles.has('SLAClaimer')) {
      const as = id.contacts.length === 0
        ? `${who} is not a named contact of ${tenantName} (spec.contacts)`
        : `${who} is contact ${id.contacts.map((c) => `'${c.name}'`).join(', ')} of ${tenantName} without the SLAClaimer role (spec.contacts[].roles)`;
      return deny('Forbidden', [{ path: 'metadata', message: `${as}: only the client's SLAClaimer contacts file claims (domain.md §8)` }]);
    }
    if (provider && (claim.spec.filedBy === undefined || claim.spec.filedAt === undefined)) {
      return deny('Forbidden', [{ path: 'spec.filedBy', message: `a claim is filed by the client's SLAClaimer contact (domain.md §8); the provider (${who}) only re-creates a recorded one, with its spec.filedBy and spec.filedAt` }]);
    }
    if (!provider && claim.spec.answer !== undefined) {
      return deny('Forbidden', [{ path: 'spec.answer', message: `the provider answers a claim; ${who} is a client contact` }]);
    }
    const violations = filingViolations(claim, ctx, namespace, provider);
    return violations.length > 0 ? deny('Invalid', violations) : ALLOW;
  }

  const changed = JSON.stringify(claim.spec) !== JSON.stringify(before.spec);
  if (!changed) return ALLOW;
  const answering = claim.spec.answer !== undefined && before.spec.answer === undefined;
  if (!provider) {
    return deny('Forbidden', [answering
      ? { path: 'spec.answer', message: `the provider answers a claim (seed §8.2); ${who} is a client contact` }
      : { path: 'spec', message: `a filed claim is frozen (file another one for more tickets); ${who} may not change it` }]);
  }
  if (answering && claim.spec.answer !== undefined) {
    const credit = creditOf(request.oldObject);
    // The answer is to a claim whose credit is known (what an acceptance records, what a partial one is bounded by).
    if (credit === undefined) return deny('Invalid', [{ path: 'spec.answer', message: 'the operator has not computed the claim\'s credit yet (status.creditAmount): answer once it has (kubectl managedapps claim list)' }]);
    const problems = answerProblems(answerOf(claim.spec.answer), credit);
    if (problems.length > 0) return deny('Invalid', problems.map((p) => ({ path: p.field, message: p.message })));
  }
  return ALLOW;
}

/** A filing's rules (CREATE): the contract, the month, the tickets. */
function filingViolations(claim: SLAClaim, ctx: RuleContext, namespace: string, provider: boolean): Violation[] {
  const ref = claim.spec.contractRef.name;
  const timeZone = timeZoneOf(ctx.view, namespace);
  // A record the provider re-creates may come before its contract and report (GitOps order, one
  // apply): judged on its recorded filedAt alone, the rest by the controller.
  if (!provider) {
    const contract = ctx.view.contracts(namespace).find((c) => c.metadata.name === ref);
    if (contract === undefined) {
      return [{ path: 'spec.contractRef.name', message: `no SupportContract '${ref}' in namespace '${namespace}': a claim is for the tenant's own contract` }];
    }
    if (claim.spec.month < contract.spec.start.slice(0, 7)) {
      return [{ path: 'spec.month', message: `${claim.spec.month} is before the start of SupportContract '${ref}' (spec.start ${contract.spec.start})` }];
    }
  }
  const filedAt = claim.spec.filedAt === undefined ? ctx.now : new Date(claim.spec.filedAt);
  const problems = claimProblems({ month: claim.spec.month, filedAt, tickets: claim.spec.incidents }, timeZone);
  if (problems.length > 0) return problems.map((p) => ({ path: p.field, message: p.message }));
  if (provider) return [];
  const reportName = `${ref}-${claim.spec.month}`;
  const report = ctx.view.reports(namespace).find((r) => r.metadata.name === reportName);
  if (report?.status?.final !== true) {
    return [{ path: 'spec.month', message: `the report of ${claim.spec.month} (SLAReport ${reportName}) is not final yet: a claim is judged on the month's final report (final 24 h after the month)` }];
  }
  const period = monthPeriod(claim.spec.month, timeZone);
  return claim.spec.incidents.flatMap((name, i) => (knownTicket(ctx, namespace, report, name, period)
    ? []
    : [{ path: `spec.incidents[${i}]`, message: `${name} is not a ticket of ${claim.spec.month}'s report (SLAReport ${reportName}; seed §8.2: only ticketed incidents of the month)` }]));
}
