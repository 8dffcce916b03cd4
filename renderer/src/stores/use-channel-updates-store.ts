// Consortium administration: propose a channel config update, review a bundle file another member
// sent, sign it as the acting org, submit it; check a partner's org definition. Files are read
// with the File API and their text is sent; results come back as text to offer as downloads.
// Switching the acting org starts clean, like opening another member's console.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import {
  MAX_BUNDLE_BYTES,
  MAX_ORG_DEFINITION_BYTES,
  type BundleFile,
  type BundleRefusalDetails,
  type BundleReview,
  type BundleSubmitResult,
  type ChannelEdit,
  type OrgDefinitionCheck,
} from '../../../electron/api/contract';
import { ApiError } from '../../../electron/api/errors';
import { useConsoleApi } from '../api/console-api';
import { useResetOnActingOrgChange } from '../composables/use-reset-on-acting-org-change';
import { describeError, type UiError } from '../utils/describe-error';

/** A refused bundle or edit: what was refused, each problem, whose signatures are missing. */
export interface UpdateRefusal extends UiError {
  problems: string[];
  missingOrgs: string[];
}

function refusalDetails(error: unknown): BundleRefusalDetails | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const details = error.details as Partial<BundleRefusalDetails> | undefined;
  if (details?.kind !== 'bundle-refused' || !Array.isArray(details.problems)) return undefined;
  return {
    kind: 'bundle-refused',
    problems: details.problems.map(String),
    missingOrgs: Array.isArray(details.missingOrgs) ? details.missingOrgs.map(String) : [],
  };
}

const REFUSAL_REMEDY =
  'Nothing was signed or sent. Fix what the list says: collect the missing signatures, ask the proposer for a fresh bundle if it expired, went stale or was altered, or choose another value.';

function describeRefusal(title: string, error: unknown): UpdateRefusal {
  const base = describeError(title, error);
  const details = refusalDetails(error);
  if (details) return { ...base, remedy: REFUSAL_REMEDY, ...details };
  // Validation and edit errors are about what was entered, not about versions of the page.
  if (base.code === 'invalid-argument') {
    return { ...base, remedy: 'Correct the value or the file and try again.', problems: [], missingOrgs: [] };
  }
  return { ...base, problems: [], missingOrgs: [] };
}

/** Reads a chosen file's text, refusing files over `maxBytes` before anything is sent. */
async function readFileText(file: File, maxBytes: number): Promise<string> {
  if (file.size > maxBytes) {
    throw new ApiError(
      'invalid-argument',
      `${file.name} is ${Math.ceil(file.size / 1024)} KiB; the largest file accepted is ${maxBytes / 1024} KiB`,
    );
  }
  return file.text();
}

export interface LoadedBundle {
  /** Where the text came from: an uploaded file's name, or a bundle this console produced. */
  source: string;
  text: string;
}

export const useChannelUpdatesStore = defineStore('channel-updates', () => {
  const api = useConsoleApi();

  const proposal = ref<BundleFile | null>(null);
  const bundle = ref<LoadedBundle | null>(null);
  const review = ref<BundleReview | null>(null);
  /** The bundle after the acting org signed it (offer it as a download). */
  const signed = ref<BundleFile | null>(null);
  const submitted = ref<BundleSubmitResult | null>(null);
  const definitionCheck = ref<(OrgDefinitionCheck & { fileName: string; text: string }) | null>(null);
  const busy = ref<'propose' | 'review' | 'sign' | 'submit' | 'definition' | null>(null);
  const error = ref<UpdateRefusal | null>(null);

  async function run<T>(
    kind: NonNullable<typeof busy.value>,
    title: string,
    action: () => Promise<T>,
  ): Promise<T | undefined> {
    busy.value = kind;
    error.value = null;
    try {
      return await action();
    } catch (failure) {
      error.value = describeRefusal(title, failure);
      return undefined;
    } finally {
      busy.value = null;
    }
  }

  async function propose(edit: ChannelEdit, description: string, deadline?: string): Promise<boolean> {
    proposal.value = null;
    const result = await run('propose', 'The update was not proposed', () =>
      api.call('channel:propose-update', { edit, description, ...(deadline ? { deadline } : {}) }),
    );
    if (result === undefined) return false;
    proposal.value = result;
    return true;
  }

  async function reviewText(source: string, text: string): Promise<boolean> {
    bundle.value = { source, text };
    review.value = null;
    signed.value = null;
    submitted.value = null;
    const result = await run('review', `${source} was refused`, () =>
      api.call('channel:review-bundle', { bundle: text }),
    );
    if (result === undefined) return false;
    review.value = result;
    return true;
  }

  async function reviewFile(file: File): Promise<boolean> {
    let text: string;
    try {
      text = await readFileText(file, MAX_BUNDLE_BYTES);
    } catch (failure) {
      error.value = describeRefusal(`${file.name} was refused`, failure);
      return false;
    }
    return reviewText(file.name, text);
  }

  async function sign(): Promise<boolean> {
    const current = bundle.value;
    if (current === null) return false;
    const result = await run('sign', 'The bundle was not signed', () =>
      api.call('channel:sign-bundle', { bundle: current.text }),
    );
    if (result === undefined) return false;
    signed.value = result;
    review.value = result.review;
    bundle.value = { source: result.fileName, text: result.bundleJson };
    return true;
  }

  async function submit(): Promise<boolean> {
    const current = bundle.value;
    if (current === null) return false;
    submitted.value = null;
    const result = await run('submit', 'The update was not submitted', () =>
      api.call('channel:submit-bundle', { bundle: current.text }),
    );
    if (result === undefined) return false;
    submitted.value = result;
    // The bundle is spent: the channel moved on, so its review no longer applies.
    bundle.value = null;
    review.value = null;
    signed.value = null;
    return true;
  }

  async function checkDefinitionFile(file: File): Promise<boolean> {
    definitionCheck.value = null;
    let text: string;
    try {
      text = await readFileText(file, MAX_ORG_DEFINITION_BYTES);
    } catch (failure) {
      error.value = describeRefusal(`${file.name} was refused`, failure);
      return false;
    }
    const result = await run('definition', `${file.name} could not be checked`, () =>
      api.call('org:import-definition', { definition: text }),
    );
    if (result === undefined) return false;
    definitionCheck.value = { ...result, fileName: file.name, text };
    return result.valid;
  }

  /** Another acting org: as if another member opened its own console. */
  function reset(): void {
    proposal.value = null;
    bundle.value = null;
    review.value = null;
    signed.value = null;
    submitted.value = null;
    definitionCheck.value = null;
    error.value = null;
  }

  useResetOnActingOrgChange(reset);

  function clearError(): void {
    error.value = null;
  }

  return {
    proposal,
    bundle,
    review,
    signed,
    submitted,
    definitionCheck,
    busy,
    error,
    propose,
    reviewText,
    reviewFile,
    sign,
    submit,
    checkDefinitionFile,
    reset,
    clearError,
  };
});
