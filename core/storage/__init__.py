"""Object storage (DOMAIN §4, §10): ``objectstore`` is the one boto3 integration (presigned POST,
HEAD, ranged GET, signed GET URLs), ``endpoint`` and ``urls`` the filesystem mode's stand-in for
the bucket. Storage keys are chosen by the callers; nothing here knows about entries."""
