/**
 * C2SP signed notes (https://c2sp.org/signed-note): text ending in a newline, a
 * blank line, then signature lines `— <key name> base64(key ID || signature)`.
 * Opening follows Go's golang.org/x/mod/sumdb/note.Open rule for rule:
 *   - valid UTF-8, no control characters but newline;
 *   - the text ends at the last blank line; the signature block is non-empty
 *     and ends in a newline; every line in it is a well-formed signature line
 *     (valid key name, base64 of at least 5 bytes);
 *   - at most 100 signature lines (the spec requires accepting at least 16);
 *   - signatures from unknown keys (name and key ID not both known) are kept
 *     as unverified, never trusted; repeated lines are dropped;
 *   - a known key whose signature fails rejects the whole note;
 *   - a note with no verified signature is rejected (UnverifiedNoteError
 *     carries what was parsed, to show who did sign it).
 */
import { decodeBase64, encodeBase64 } from "./encoding.js";
import { VerificationError } from "./errors.js";
import { isValidKeyName, type NoteSigner, type NoteVerifier } from "./note-keys.js";

export const MAX_NOTE_SIGNATURES = 100;
const SIGNATURE_PREFIX = "\u2014 "; // em dash, space

export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  /** The signature line's base64 field (key ID and signature). */
  readonly base64: string;
}

export interface OpenedNote {
  /** The signed text, including its final newline. */
  readonly text: string;
  /** Signatures that verified, in note order. */
  readonly signatures: readonly NoteSignature[];
  /** Signatures by keys not given to openNote (not checked; not to be trusted). */
  readonly unverified: readonly NoteSignature[];
}

export class UnverifiedNoteError extends VerificationError {
  constructor(readonly note: OpenedNote) {
    const names = note.unverified.map((s) => s.name).join(", ") || "nobody";
    super("unverified-note", `note has no signature from a known key (signed by ${names})`);
  }
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** True if `text` has an ASCII control character other than newline (U+0000–U+001F; DEL is allowed, as in Go). */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) return true;
  }
  return false;
}

function malformed(why: string): VerificationError {
  return new VerificationError("malformed-note", `malformed note: ${why}`);
}

function decodeNote(note: string | Uint8Array): string {
  let text: string;
  if (typeof note === "string") {
    if (LONE_SURROGATE.test(note)) throw malformed("not valid UTF-8");
    text = note;
  } else {
    try {
      text = UTF8.decode(note);
    } catch {
      throw malformed("not valid UTF-8");
    }
  }
  if (hasControl(text)) throw malformed("control character");
  return text;
}

function keyOf(name: string, keyId: number): string {
  return `${name}+${keyId.toString(16).padStart(8, "0")}`;
}

/** Parses and verifies a signed note against the known verifiers. */
export function openNote(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): OpenedNote {
  const all = decodeNote(note);
  const split = all.lastIndexOf("\n\n");
  if (split < 0) throw malformed("no blank line before the signatures");
  const text = all.slice(0, split + 1);
  const block = all.slice(split + 2);
  if (block === "" || !block.endsWith("\n"))
    throw malformed("signature block is empty or not newline-terminated");
  const message = Buffer.from(text, "utf8");

  const signatures: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seen = new Set<string>();
  const seenUnverified = new Set<string>();
  const lines = block.slice(0, -1).split("\n");
  for (const [i, line] of lines.entries()) {
    if (!line.startsWith(SIGNATURE_PREFIX)) throw malformed("signature line does not start with an em dash");
    const body = line.slice(SIGNATURE_PREFIX.length);
    const space = body.indexOf(" ");
    const name = space < 0 ? body : body.slice(0, space);
    const base64 = space < 0 ? "" : body.slice(space + 1);
    const raw = decodeBase64(base64);
    if (!isValidKeyName(name) || base64 === "" || !raw || raw.length < 5)
      throw malformed("bad signature line");
    if (i >= MAX_NOTE_SIGNATURES) throw malformed(`more than ${MAX_NOTE_SIGNATURES} signatures`);
    const keyId = raw.readUInt32BE(0);
    const signature = { name, keyId, base64 };

    const candidates = verifiers.filter((v) => v.name === name && v.keyId === keyId);
    if (candidates.length === 0) {
      if (!seenUnverified.has(body)) unverified.push(signature);
      seenUnverified.add(body);
      continue;
    }
    if (candidates.length > 1) {
      throw new VerificationError("ambiguous-key", `more than one verifier for key ${keyOf(name, keyId)}`);
    }
    // Only the first signature by a key counts, as in Go.
    if (seen.has(keyOf(name, keyId))) continue;
    seen.add(keyOf(name, keyId));
    if (!candidates[0]!.verify(message, raw.subarray(4))) {
      throw new VerificationError("invalid-signature", `invalid signature for key ${keyOf(name, keyId)}`);
    }
    signatures.push(signature);
  }
  const opened = { text, signatures, unverified };
  if (signatures.length === 0) throw new UnverifiedNoteError(opened);
  return opened;
}

/**
 * Signs `text` (which must end in a newline) with each signer, as Go's
 * note.Sign: existing signatures are kept first unless a signer replaces the
 * same key, then the new ones in signer order.
 */
export function signNote(
  text: string,
  signers: readonly NoteSigner[],
  existing: readonly NoteSignature[] = [],
): string {
  if (!text.endsWith("\n")) throw malformed("text must end in a newline");
  if (LONE_SURROGATE.test(text) || hasControl(text))
    throw malformed("text is not valid UTF-8 without control characters");
  const message = Buffer.from(text, "utf8");
  const replaced = new Set<string>();
  const added: string[] = [];
  for (const signer of signers) {
    if (!isValidKeyName(signer.name))
      throw new RangeError(`invalid signer name ${JSON.stringify(signer.name)}`);
    replaced.add(keyOf(signer.name, signer.keyId));
    const id = Buffer.alloc(4);
    id.writeUInt32BE(signer.keyId);
    const raw = Buffer.concat([id, signer.sign(message)]);
    added.push(`${SIGNATURE_PREFIX}${signer.name} ${encodeBase64(raw)}\n`);
  }
  const kept: string[] = [];
  for (const sig of existing) {
    if (!isValidKeyName(sig.name)) throw malformed(`invalid key name ${JSON.stringify(sig.name)}`);
    if (replaced.has(keyOf(sig.name, sig.keyId))) continue;
    const raw = decodeBase64(sig.base64);
    if (!raw || raw.length < 5 || raw.readUInt32BE(0) !== sig.keyId)
      throw malformed(`bad signature by ${sig.name}`);
    kept.push(`${SIGNATURE_PREFIX}${sig.name} ${sig.base64}\n`);
  }
  return `${text}\n${kept.join("")}${added.join("")}`;
}
