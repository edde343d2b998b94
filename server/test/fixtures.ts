import { seededRandom } from '../analytics/communities.js';

/** The items in a seeded random order (Fisher–Yates): the same seed, the same order. */
export function shuffled<T>(items: T[], seed: number): T[] {
  const random = seededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A small hand-written bundle touching every entity and relationship type. */
export function tinyBundle() {
  return {
    version: 1,
    capabilities: [
      { id: 'cap-siem', name: 'SIEM', category: 'security' },
      { id: 'cap-lake', name: 'Data lake', category: 'data' },
      { id: 'cap-ml', name: 'ML ops', category: 'ai' },
    ],
    regions: ['emea', { id: 'apac', name: 'Asia Pacific' }],
    segments: ['smb', 'enterprise'],
    partners: [
      {
        id: 'p-acme', name: 'Acme Integrators', domain: 'acme.example', types: ['service', 'reseller'], tier: 'gold',
        regions: ['emea'], segments: ['enterprise'], capabilities: [{ id: 'cap-siem', level: 'certified', certified: true }],
        lifecycle: { services: 'grow', resell: 'activate' }, country: 'DE', revenue: 1200000, sources: ['crm'],
      },
      {
        id: 'p-helix', name: 'Helix AI', domain: 'helix.example', types: ['technology'], tier: 'platinum',
        regions: ['emea', 'apac'], segments: ['enterprise', 'smb'], capabilities: [{ id: 'cap-ml', level: 'advanced' }], sources: ['prm'],
      },
      { id: 'p-nimbus', name: 'Nimbus Cloud', types: ['msp'], regions: ['apac'], lifecycle: { cloud: 'onboard' }, sources: ['crm'] },
    ],
    customers: [
      { id: 'c-globex', name: 'Globex', domain: 'globex.example', segment: 'enterprise', industry: 'manufacturing', region: 'emea', needs: ['cap-siem', 'cap-ml'], sources: ['crm'] },
      { id: 'c-initech', name: 'Initech', segment: 'smb', region: 'apac', needs: ['cap-lake'] },
    ],
    relationships: [
      { from: 'p-acme', to: 'p-helix', type: 'IMPLEMENTS', source: 'prm', updatedAt: '2026-01-02T03:04:05.000Z' },
      { from: 'p-helix', to: 'p-nimbus', type: 'INTEGRATES_WITH', source: 'prm' },
      { from: 'p-acme', to: 'p-nimbus', type: 'RESELLS', source: 'crm' },
      { from: 'p-nimbus', to: 'p-acme', type: 'REFERS_TO', source: 'crm' },
      { from: 'p-helix', to: 'p-acme', type: 'CO_SELLS_WITH', source: 'crm' },
      { from: 'p-acme', to: 'c-globex', type: 'SERVES', role: 'implement', since: '2021', annualValue: 250000, source: 'crm' },
      { from: 'p-acme', to: 'c-globex', type: 'SERVES', role: 'resell', annualValue: 90000, source: 'crm' },
      { from: 'p-helix', to: 'c-globex', type: 'SERVES', role: 'integrate', source: 'prm' },
      { from: 'p-nimbus', to: 'c-initech', type: 'SERVES', role: 'manage', source: 'crm' },
      { from: 'p-nimbus', to: 'cap-lake', type: 'HAS_CAPABILITY', level: 'basic', source: 'crm' },
      { from: 'p-nimbus', to: 'smb', type: 'SERVES_SEGMENT', source: 'crm' },
    ],
    deals: [
      { id: 'd-1', customer: 'c-globex', region: 'emea', needs: ['cap-siem'], amount: 500000, stage: 'proposal', partners: [{ partner: 'p-acme', role: 'service', claimedShare: 0.6 }, { partner: 'p-helix', role: 'technology', claimedShare: 0.5, registeredAt: '2026-01-05T09:00:00.000Z' }] },
    ],
    solutions: [{ id: 's-secure-ml', name: 'Secure ML platform', partners: ['p-acme', 'p-helix'], capabilities: ['cap-siem', 'cap-ml'] }],
  };
}
