/**
 * A write refused because the run making it no longer owns its job (a newer
 * run took over, or the job ended or was rolled back). Not a failure of the
 * job: the run that gets it stops and leaves the job to its owner.
 */
export class FencedOutError extends Error {
  override name = 'FencedOutError';
}
