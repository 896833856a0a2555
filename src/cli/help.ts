/** `flume-ws --help`. */
export const MAIN_HELP = `flume-ws: an Apache Flume-compatible agent with a WebSocket source

Usage: flume-ws <command> [options]

Commands:
  agent     run an agent from a flume.conf
  check     validate a flume.conf and print the resolved topology
  feed      serve synthetic market data over WebSocket (for demos and tests)
  keystore  list a JKS, JCEKS, PKCS12 or PEM keystore, or export it as PEM
  version   print the version
  help      print this help

Run "flume-ws <command> --help" for a command's options.`;

/** `flume-ws agent --help`. */
export const AGENT_HELP = `Usage: flume-ws agent -n NAME -f FILE [options]

Runs agent NAME from FILE (flume-ng compatible flags) until SIGINT/SIGTERM,
or for --duration. On the first signal (or when the duration is over) the
sources stop and the sinks drain the channels for at most --drain-timeout
seconds; a second signal exits at once.

Options:
  -n, --name NAME            agent name (required)
  -f, --conf-file FILE       flume.conf to read (required); repeat it to
                             merge several files in order: a later file's
                             key wins, and \${NAME} reads any file's NAME
  -c, --conf DIR             Flume's conf directory; accepted for compatibility
  -D KEY=VALUE               a property for \${sys:KEY}, or one of the logging
                             properties below
      --no-reload-conf       read FILE once: no reload when it changes or on
                             SIGHUP
      --reload-interval SEC  look at each FILE's modification time every SEC
                             seconds (default 30); a changed file (or a
                             SIGHUP, at once) is validated and applied as a
                             diff: unchanged components keep running, an
                             invalid file is logged and the old one kept
      --plugins-path DIR     accepted for compatibility: components are built in
      --drain-timeout SEC    how long the whole shutdown may drain (default 5)
      --status-interval SEC  a status line every SEC seconds (default 60;
                             0 = off): per source connected or not and
                             events/s, per channel how full, per sink
                             events/s and failures
      --duration TIME        stop by itself after TIME (30s, 10m, 2h, or
                             seconds), drain as on a signal, exit 0, or 3
                             if a WebSocket source never connected
      --log-format FORMAT    text (default) or json: one object per line
                             (time, level, component, message, fields)
  -h, --help                 this help

Logging (Flume's log4j properties):
  -Dflume.root.logger=LEVEL,APPENDER[,APPENDER]
                             LEVEL: TRACE DEBUG INFO WARN ERROR FATAL OFF;
                             APPENDER: console (stderr) or LOGFILE
                             (default INFO,console)
  -Dflume.log.dir=DIR        LOGFILE's directory (default ./logs, created)
  -Dflume.log.file=NAME      LOGFILE's file name (default flume.log)
  -Dflume.log.maxFileSize=SIZE
                             roll LOGFILE before it passes SIZE (100MB,
                             512KB or bytes; default 100MB), keeping
                             NAME.1 (newest) to NAME.N
  -Dflume.log.maxBackupIndex=N
                             backups kept (default 10; 0 keeps none)

Monitoring (Flume's -D flags):
  -Dflume.monitoring.type=http|prometheus
                             serve /metrics (Flume's JSON, or Prometheus's
                             text), /health and a dashboard at /
  -Dflume.monitoring.port=PORT  default 41414; 0 picks a free port
  -Dflume.monitoring.host=HOST  default 127.0.0.1; 0.0.0.0 for every interface

Exit codes:
  0    stopped cleanly (signal or --duration)
  1    runtime failure
  2    invalid configuration, arguments, monitoring flags or log file
  3    --duration ended and a WebSocket source never connected during the run
  130  a second SIGINT (exited at once, without draining)
  143  a second SIGTERM (exited at once, without draining)`;

/** `flume-ws check --help`. */
export const CHECK_HELP = `Usage: flume-ws check -n NAME -f FILE [--connect] [-DKEY=VALUE ...]

Validates agent NAME in FILE and prints its sources, channels and sinks with
their effective properties (secrets masked). Problems are printed as
FILE:LINE: error|warning: component property: message, all at once.

Options:
  -n, --name NAME          agent name (required)
  -f, --conf-file FILE     flume.conf to read (required); repeat it to merge
                           several files in order (a later file's key wins,
                           \${NAME} reads any file's NAME)
  -D KEY=VALUE             a property for \${sys:KEY}
      --connect            also connect each source once: for wss://, a verified TLS
                           handshake with its keystore, then a one-line verdict
  -h, --help               this help

Exit codes: 0 valid (warnings allowed), 1 a --connect check failed,
2 invalid configuration or arguments.`;

/** `flume-ws feed --help`. */
export const FEED_HELP =
  `Usage: flume-ws feed [--port 8765] [--rate N] [--count N] [--size BYTES] [--binary]

A local WebSocket server for demos, tests and benchmarks. Every client gets
synthetic market-data JSON ticks; any text a client sends is echoed back,
except a subscription request (JSON whose "type", "op", "method", "event" or
"action" is "subscribe" or "unsubscribe"), which is logged, not echoed.

Options:
      --host HOST     address to listen on (default 127.0.0.1)
  -p, --port PORT     port to listen on, 0 to 65535; 0 picks a free one (default 8765)
      --rate N        messages per second per client, 0 to 1000000;
                      0 = as fast as possible (default 10)
      --count N       messages per client, then quiet (default unlimited)
      --size BYTES    pad each message to at least BYTES, at most 64 MiB (default 0)
      --binary        send binary frames instead of text
  -h, --help          this help

Exit codes: 0 stopped by SIGINT/SIGTERM, 1 cannot listen (port in use, ...),
2 bad arguments.`;

/** `flume-ws keystore --help`. */
export const KEYSTORE_HELP =
  `Usage: flume-ws keystore -f PATH [--pass-env NAME | --pass PASSWORD] [options]

Reads a keystore as the websocket source reads keyStorePath, keyStorePass
and keyStoreType: JKS, JCEKS, PKCS12 (current or legacy encryption) or PEM.
The real type comes from the file's content; the password is checked against
the store's integrity digest (MAC) before anything is shown. A PEM file needs
a password only when its private key is encrypted. Lists every entry: alias,
kind, subject, issuer, validity.

Options:
  -f, --file PATH          the keystore (required)
      --type TYPE          the keyStoreType you configured; a note says when the file differs
      --pass-env NAME      read the password from environment variable NAME
      --pass PASSWORD      the password (visible in shell history: prefer --pass-env)
      --alias ALIAS        only this entry; with --private-key, the key to write (keyAlias)
      --pem                write the certificates as PEM instead of the listing
      --private-key        with --pem: also write the private key, unencrypted, then its
                           chain and the trusted certificates (a PEM keystore)
      --key-pass-env NAME  the key's own password (keyPass), when not the store's
  -h, --help               this help

Examples:
  KS_PASS=changeit flume-ws keystore -f client.jks --pass-env KS_PASS
  flume-ws keystore -f truststore.p12 --pass-env KS_PASS --pem > ca.pem
  flume-ws keystore -f ca.pem

Exit codes: 0 read, 2 missing file, wrong password, damaged keystore or bad arguments.`;
