// Certificate details as the pages show them: who, issued by whom, valid until when, and whether
// the expiry needs attention.
import { describeCertificate } from '../pki';
import type { CertificateSummary } from './types';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Certificates closer than this to their expiry are flagged, leaving time to re-enroll. */
export const EXPIRY_WARNING_DAYS = 30;

export function summarizeCertificate(certPem: string, now: Date = new Date()): CertificateSummary {
  const info = describeCertificate(certPem);
  const notAfter = new Date(info.notAfter);
  const daysToExpiry = Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
  return {
    subject: info.subject,
    issuer: info.issuer,
    serialNumber: info.serialNumber,
    notBefore: info.notBefore,
    notAfter: info.notAfter,
    fingerprintSha256: info.fingerprintSha256,
    daysToExpiry,
    expiry: notAfter <= now ? 'expired' : daysToExpiry < EXPIRY_WARNING_DAYS ? 'expiring' : 'valid',
  };
}
