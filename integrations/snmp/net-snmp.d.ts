// Just the part of net-snmp (3.x, plain CommonJS without bundled types) that claimbox uses.
declare module 'net-snmp' {
  namespace snmp {
    interface Varbind {
      oid: string;
      type: number;
      /** number, string/Buffer (OctetString), Buffer (Counter64), string (OID, IpAddress), null. */
      value: unknown;
    }
    interface User {
      name: string;
      level: number;
      authProtocol?: number;
      authKey?: string;
      privProtocol?: number;
      privKey?: string;
    }
    interface SessionOptions {
      port?: number;
      retries?: number;
      timeout?: number;
      backoff?: number;
      transport?: 'udp4' | 'udp6';
      version?: number;
      trapPort?: number;
      idBitsSize?: 16 | 32;
      context?: string;
    }
    interface Session {
      get(oids: string[], cb: (error: Error | null, varbinds?: Varbind[]) => void): void;
      getNext(oids: string[], cb: (error: Error | null, varbinds?: Varbind[]) => void): void;
      getBulk(
        oids: string[],
        nonRepeaters: number,
        maxRepetitions: number,
        cb: (error: Error | null, varbinds?: Varbind[]) => void,
      ): void;
      walk(
        oid: string,
        maxRepetitions: number,
        feed: (varbinds: Varbind[]) => boolean | void,
        done: (error: Error | null) => void,
      ): void;
      trap(
        typeOrOid: number | string,
        varbinds: Varbind[],
        agentAddrOrOptions: unknown,
        cb: (error: Error | null) => void,
      ): void;
      on(event: 'error', cb: (error: Error) => void): void;
      on(event: 'close', cb: () => void): void;
      close(): void;
    }
    interface Notification {
      pdu: {
        type: number;
        id?: number;
        varbinds: Varbind[];
        /** SNMPv1 Trap-PDU fields. */
        enterprise?: string;
        agentAddr?: string;
        generic?: number;
        specific?: number;
        upTime?: number;
        community?: string;
      };
      rinfo: { address: string; family: string; port: number; size: number };
    }
    interface Authorizer {
      addCommunity(community: string): void;
      addUser(user: User): void;
    }
    interface Receiver {
      getAuthorizer(): Authorizer;
      close(cb?: () => void): void;
    }
    interface ReceiverOptions {
      port?: number;
      address?: string | null;
      transport?: 'udp4' | 'udp6';
      disableAuthorization?: boolean;
      includeAuthentication?: boolean;
      engineID?: string;
    }
  }
  const snmp: {
    createSession(target: string, community: string, options?: snmp.SessionOptions): snmp.Session;
    createV3Session(target: string, user: snmp.User, options?: snmp.SessionOptions): snmp.Session;
    createReceiver(
      options: snmp.ReceiverOptions,
      cb: (error: Error | null, notification: snmp.Notification | null) => void,
    ): snmp.Receiver;
    isVarbindError(varbind: snmp.Varbind): boolean;
    varbindError(varbind: snmp.Varbind): string;
    Version1: number;
    Version2c: number;
    Version3: number;
    ObjectType: Record<string, number>;
    PduType: Record<string, number>;
    TrapType: Record<string, number>;
    SecurityLevel: { noAuthNoPriv: number; authNoPriv: number; authPriv: number };
    AuthProtocols: Record<string, number>;
    PrivProtocols: Record<string, number>;
  };
  export = snmp;
}
