// Original file: proto/tessera/v1/admin.proto


/**
 * AdminServiceMintJWTSVIDRequest names the service identity and the audiences
 * of its token (the service prefix keeps it apart from SVIDService's task-token request).
 */
export interface AdminServiceMintJWTSVIDRequest {
  /**
   * The SPIFFE ID: spiffe://<this trust domain>/service/<name>.
   */
  'spiffeId'?: (string);
  /**
   * The audiences (JWT-SVID aud), one or more.
   */
  'audience'?: (string)[];
  /**
   * The token lifetime in seconds; 0 means five minutes. From 60 to 3600.
   */
  'ttlSeconds'?: (number);
}

/**
 * AdminServiceMintJWTSVIDRequest names the service identity and the audiences
 * of its token (the service prefix keeps it apart from SVIDService's task-token request).
 */
export interface AdminServiceMintJWTSVIDRequest__Output {
  /**
   * The SPIFFE ID: spiffe://<this trust domain>/service/<name>.
   */
  'spiffeId': (string);
  /**
   * The audiences (JWT-SVID aud), one or more.
   */
  'audience': (string)[];
  /**
   * The token lifetime in seconds; 0 means five minutes. From 60 to 3600.
   */
  'ttlSeconds': (number);
}
