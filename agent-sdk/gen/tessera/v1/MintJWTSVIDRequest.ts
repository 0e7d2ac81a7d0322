// Original file: proto/tessera/v1/svid.proto


/**
 * MintJWTSVIDRequest asks for a task token.
 */
export interface MintJWTSVIDRequest {
  /**
   * The one audience the token is for, for example "spiffe://tessera.local/service/search".
   */
  'audience'?: (string);
  /**
   * The scopes the token carries; each must be covered by the caller's task scopes.
   */
  'scopes'?: (string)[];
  /**
   * The requested lifetime in seconds; 0 means 5 minutes. More than 5 minutes
   * or past the caller's SVID is cut.
   */
  'ttlSeconds'?: (number);
}

/**
 * MintJWTSVIDRequest asks for a task token.
 */
export interface MintJWTSVIDRequest__Output {
  /**
   * The one audience the token is for, for example "spiffe://tessera.local/service/search".
   */
  'audience': (string);
  /**
   * The scopes the token carries; each must be covered by the caller's task scopes.
   */
  'scopes': (string)[];
  /**
   * The requested lifetime in seconds; 0 means 5 minutes. More than 5 minutes
   * or past the caller's SVID is cut.
   */
  'ttlSeconds': (number);
}
