import { Client, type FileInfo } from "basic-ftp";
import { formatByteLimit, MiB } from "../config/byte-count.js";
import { ProbeFailure } from "./probe.js";

/**
 * The largest directory listing read (about 200,000 entries of a LIST). basic-ftp holds a listing
 * in memory and parses it whole; its own cap is 40 MiB. The data connection is bounded in time by
 * the check's timeout like everything else.
 */
export const MAX_FTPS_LISTING_BYTES = 16 * MiB;

/** A basic-ftp client whose listings are capped at MAX_FTPS_LISTING_BYTES; deadlines are the caller's. */
export function ftpsClient(): Client {
  return new Client(0, { maxListingBytes: MAX_FTPS_LISTING_BYTES });
}

/** The directory's listing; a larger one fails with reason ftp_list and a message naming the cap. */
export async function listDirectory(client: Client, directory: string): Promise<FileInfo[]> {
  try {
    return await client.list(directory);
  } catch (err) {
    // basic-ftp's StringWriter: "Maximum bytes exceeded, maxByteLength=…".
    if (err instanceof Error && /Maximum bytes exceeded/.test(err.message)) {
      throw new ProbeFailure("ftp_list", `the listing of ${directory} exceeded ${formatByteLimit(MAX_FTPS_LISTING_BYTES)}`);
    }
    throw err;
  }
}
