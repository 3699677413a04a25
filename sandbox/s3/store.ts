/**
 * The sandbox's S3 buckets, kept in the estate (`estate.s3`), so `state.json` persists objects
 * with the rest. An estate saved before the sandbox spoke S3 gets an empty list on first use.
 */
import type { Estate, S3Bucket } from '../estate.js'
import { noSuchBucket } from './errors.js'

export function buckets(estate: Estate): S3Bucket[] {
  estate.s3 ??= { buckets: [] }
  return estate.s3.buckets
}

export function findBucket(estate: Estate, name: string): S3Bucket | undefined {
  return buckets(estate).find((b) => b.Name === name)
}

/** The bucket, or NoSuchBucket. */
export function bucketOf(estate: Estate, name: string): S3Bucket {
  const bucket = findBucket(estate, name)
  if (!bucket) throw noSuchBucket(name)
  return bucket
}

/** S3's general-purpose bucket naming rules (3-63 chars, lower case, digits, dots, hyphens). */
export function validBucketName(name: string): boolean {
  return /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) && !name.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(name)
}

/** HTTP dates as S3 sends them in Last-Modified. */
export const httpDate = (iso: string) => new Date(iso).toUTCString()
