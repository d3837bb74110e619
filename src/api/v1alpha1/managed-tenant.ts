// ManagedTenant (mt): the client tenant, one per namespace (design.md §1).
import { z } from 'zod';
import { DEFAULT_CALENDAR } from '../../domain/calendar.ts';
import { MAX_PHONE_CONTACTS } from '../../domain/limits.ts';
import { PACK_LANGUAGES } from '../../domain/pack.ts';
import { CONTACT_ROLES, MANAGEMENT_MODELS } from '../../domain/vocabulary.ts';
import {
  type KindDefinition, ageColumn, doc, localTime, readyColumn, resource, statusBase, text, timeZone, withRules,
} from './common.ts';

/** E.164 phone number, e.g. +33123456789. */
export const PHONE_PATTERN = /^\+[1-9][0-9]{6,14}$/;

/** Bounds of status.approvers: 64 contacts with 16 users and 16 groups each; `name (group g)`. */
const MAX_GRANTS = 64 * 32;
const GRANT_TEXT_MAX = 63 + 253 + 16;

export const Contact = z.object({
  name: doc(z.string().min(1).max(63).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/), 'Identifier of the contact in this tenant (a DNS label), e.g. jdupont.'),
  fullName: text('Name of the person.', 128).optional(),
  email: doc(z.email().max(254), 'E-mail address of the person.'),
  phone: doc(z.string().regex(PHONE_PATTERN), `Phone number (E.164). At most ${MAX_PHONE_CONTACTS} contacts have phone access (domain.md §3).`).optional(),
  users: doc(z.array(z.string().min(1).max(253)).max(16), 'Kubernetes user names that act as this person.', { 'x-kubernetes-list-type': 'set' }).optional(),
  groups: doc(z.array(z.string().min(1).max(253)).max(16), 'Kubernetes groups whose members act as this person.', { 'x-kubernetes-list-type': 'set' }).optional(),
  roles: doc(z.array(z.enum(CONTACT_ROLES)).min(1).max(CONTACT_ROLES.length), 'What the contact may do: IncidentReporter, ChangeRequester, ChangeApprover, SLAClaimer.', { 'x-kubernetes-list-type': 'set' }),
});
export type Contact = z.infer<typeof Contact>;

const Person = z.object({
  fullName: text('Name of the person.', 128),
  email: doc(z.email().max(254), 'E-mail address of the person.'),
  phone: doc(z.string().regex(PHONE_PATTERN), 'Phone number (E.164).').optional(),
});

export const BusinessHours = withRules(
  z.object({
    start: localTime('Local start of the business day, HH:MM.').default(DEFAULT_CALENDAR.businessDayStart),
    end: localTime('Local end of the business day, HH:MM, after start.').default(DEFAULT_CALENDAR.businessDayEnd),
  }),
  'Business hours on business days (domain.md §4: 09:00–18:00).',
  [{ rule: 'self.start < self.end', message: 'spec.calendar.businessHours.end must be after spec.calendar.businessHours.start', fieldPath: '.end' }],
);

export const TenantCalendar = z.object({
  timeZone: timeZone('IANA time zone of the business calendar.').default(DEFAULT_CALENDAR.timeZone),
  holidayCountry: doc(z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/), 'Country (ISO 3166, optionally with a region) whose public holidays are not business days; FR is metropolitan France.').default(DEFAULT_CALENDAR.holidayCountry),
  businessHours: BusinessHours.default({ start: DEFAULT_CALENDAR.businessDayStart, end: DEFAULT_CALENDAR.businessDayEnd }),
});

export const ManagedTenantSpec = z.object({
  displayName: text('Name of the client, for people.', 128).optional(),
  managementModel: doc(z.enum(MANAGEMENT_MODELS), 'FullyManaged (only the provider changes the tenant), CoManaged (shared per a RACI) or SelfCare (domain.md §1).'),
  iaas: doc(z.object({
    provider: text('The IaaS the tenant lives on, e.g. Azure, AWS, OutscaleCloud, OnPremises.', 63),
    region: text('Region or datacentre.', 63).optional(),
    account: text('Subscription, account or project identifier on that IaaS.', 253).optional(),
  }), 'Where the tenant runs.'),
  calendar: doc(TenantCalendar, 'The business calendar of the guarantees (domain.md §4).').default({
    timeZone: DEFAULT_CALENDAR.timeZone,
    holidayCountry: DEFAULT_CALENDAR.holidayCountry,
    businessHours: { start: DEFAULT_CALENDAR.businessDayStart, end: DEFAULT_CALENDAR.businessDayEnd },
  }),
  contacts: withRules(
    z.array(Contact).max(64),
    `The client's named, authorized contacts, keyed by name. At most ${MAX_PHONE_CONTACTS} of them have a phone (domain.md §3).`,
    [{ rule: `self.filter(c, has(c.phone)).size() <= ${MAX_PHONE_CONTACTS}`, message: `spec.contacts: at most ${MAX_PHONE_CONTACTS} contacts may have a phone (domain.md §3)` }],
    { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
  ),
  serviceDeliveryManager: doc(Person, "The provider's Service Delivery Manager (mandatory with a Premium environment, domain.md §3).").optional(),
  contractBusinessManager: doc(Person, "The provider's Contract Business Manager (mandatory with a Premium environment, domain.md §3).").optional(),
  language: doc(z.enum(PACK_LANGUAGES), 'The language of the labels of the monthly pack (`managedapps report -o pack`, design.md §3 "The monthly pack") and of the monthly statement (`report`, `kubectl managedapps statement`): en or fr (the seed is French). Absent: en.').optional(),
});
export type ManagedTenantSpec = z.infer<typeof ManagedTenantSpec>;

export const ManagedTenantStatus = z.object({
  ...statusBase,
  contacts: doc(z.int().min(0), 'Number of named contacts.').optional(),
  phoneContacts: doc(z.int().min(0), 'Number of contacts with phone access.').optional(),
  approvers: doc(z.object({
    // At most 64 contacts × (16 users + 16 groups) grants; a grant reads `contact (user name)`.
    inForce: doc(z.array(z.string().max(GRANT_TEXT_MAX)).max(MAX_GRANTS), 'The ChangeApprover grants in force: contact (user or group).').optional(),
    pending: doc(z.array(z.string().max(GRANT_TEXT_MAX)).max(MAX_GRANTS), 'Grants asked for by spec.contacts but awaiting the confirmation of a ChangeApprover in force (added or widened by someone else).').optional(),
    pendingDigest: doc(z.string().max(80), 'What a ChangeApprover in force writes into the annotation managedapps.dev/confirm-approvers to confirm the pending grants.').optional(),
    changes: doc(z.int().min(0), 'Entries of the contacts log (annotation managedapps.dev/contacts-log): every change of spec.contacts, who and when.'),
    lastChange: doc(z.object({
      at: doc(z.string().max(64), 'When the webhook admitted it.'),
      by: doc(z.string().max(253), 'The user who wrote it.'),
      summary: doc(z.string().max(65_536), 'Contacts added, removed or changed; grants confirmed or left pending.'),
    }), 'The latest entry of the contacts log.').optional(),
  }), 'Who approves the provider\'s changes (docs/security.md: the contact list is the client\'s).').optional(),
});
export type ManagedTenantStatus = z.infer<typeof ManagedTenantStatus>;

export const ManagedTenant = resource('ManagedTenant', ManagedTenantSpec, ManagedTenantStatus);
export type ManagedTenant = z.infer<typeof ManagedTenant>;

export const managedTenantKind: KindDefinition = {
  kind: 'ManagedTenant',
  plural: 'managedtenants',
  singular: 'managedtenant',
  shortNames: ['mt'],
  description: 'The client tenant, one per namespace: management model, IaaS, business calendar and named contacts.',
  spec: ManagedTenantSpec,
  status: ManagedTenantStatus,
  printerColumns: [
    { name: 'Model', type: 'string', jsonPath: '.spec.managementModel' },
    { name: 'IaaS', type: 'string', jsonPath: '.spec.iaas.provider' },
    { name: 'Region', type: 'string', jsonPath: '.spec.iaas.region' },
    { name: 'Contacts', type: 'integer', jsonPath: '.status.contacts', priority: 1 },
    readyColumn,
    ageColumn,
  ],
};
