// Joining an existing consortium (first-run wizard): what the newcomer tells its console, the join
// package it sends the consortium, and how far its peer has caught up. Shared with the API contract
// and the renderer (type-only), so this file has no Node imports.

/** Roles a newcomer may take; the consortium has exactly one regulator already. */
export type JoiningRole = 'hospital' | 'insurer';

/** `console:prepare-join`: the newcomer's org and the consortium it joins. */
export interface JoinRequest {
  org: {
    /** Display name, also the org's group name in this console (letters and digits). */
    name: string;
    mspId: string;
    /** DNS domain of the org's nodes, e.g. clinic.example.org. */
    domain: string;
    role: JoiningRole;
    /** Number of peers this console runs for the org. */
    peers: number;
  };
  channel: string;
  orderer: {
    /** host:port of the consortium's orderers (one, or three and more). */
    endpoints: string[];
    mspId: string;
    name: string;
    domain: string;
    /** The orderer org's TLS CA certificate (PEM), from the consortium's join information. */
    tlsCaPem: string;
  };
  /** First of the ports this console's nodes use (10 per node); default: the current profile's. */
  basePort?: number;
}

/** The org definition file the newcomer sends a member (`org:import-definition` reads it). */
export interface JoinPackage {
  mspId: string;
  /** `<MSP>.org-definition.json` */
  fileName: string;
  /** The file's text: offer it as a download. */
  definitionJson: string;
  /** host:port of the anchor peers the definition declares (every peer of the org). */
  anchorPeers: string[];
}

/** `ConsoleContext.join`: this console runs a newcomer of a consortium whose orderers run elsewhere. */
export interface ConsoleJoinInfo {
  mspId: string;
  orgName: string;
  channel: string;
  ordererEndpoints: string[];
  /** Identities exist and the join package can be downloaded. */
  prepared: boolean;
  /** Every peer of the org has joined the channel. */
  joined: boolean;
}

/** `console:join-status`: the newcomer's peers against the consortium's orderer. */
export interface JoinStatus {
  mspId: string;
  channel: string;
  orderer: {
    address: string;
    /** The channel's height on the orderer; null when it could not be read (`error` says why). */
    height: number | null;
    error?: string;
  };
  peers: Array<{ peerId: string; height: number | null; error?: string }>;
  /** Every peer at the orderer's height. */
  caughtUp: boolean;
}
