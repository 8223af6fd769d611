/**
 * The AWS API emulator of the deploy tier: `emulator.py` (moto's server plus the documented
 * corrections) on 127.0.0.1 and a port the system picks. Each test file starts its own, and stops
 * exactly the process it started.
 */
import { type ChildProcessByStdio, spawn, spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { tempDir } from "../tools/harness";

const SCRIPT = join(__dirname, "emulator.py");
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

/** Fails before any test runs when python3 or moto is missing, naming what to install. */
function requireEmulator(): void {
  const check = spawnSync("python3", ["-c", "import moto, boto3; print(moto.__version__)"], { encoding: "utf8" });
  if (check.error || check.status !== 0) {
    throw new Error(
      "The deploy tier needs Python 3 with moto 5.2 and its server extras (`pip install 'moto[server]==5.2.1'`); `python3 -c 'import moto'` failed.",
    );
  }
}

type EmulatorProcess = ChildProcessByStdio<Writable, Readable, null>;

export class Emulator {
  /** `http://127.0.0.1:<port>`: every AWS endpoint of the provider and of the S3 backend. */
  readonly endpoint: string;

  private constructor(
    private readonly child: EmulatorProcess,
    readonly port: number,
    /** The server's log: a file, never a pipe, since the tests block in spawnSync and would not drain one. */
    readonly logFile: string,
  ) {
    this.endpoint = `http://127.0.0.1:${port}`;
  }

  static start(): Promise<Emulator> {
    requireEmulator();
    const logFile = join(tempDir("emulator"), "emulator.log");
    const log = openSync(logFile, "a");
    const child = spawn("python3", [SCRIPT], { stdio: ["pipe", "pipe", log] }) as EmulatorProcess;
    closeSync(log);
    return new Promise((resolve, reject) => {
      let out = "";
      const fail = (why: string) => {
        clearTimeout(timer);
        child.kill("SIGKILL");
        reject(new Error(`The AWS emulator did not start: ${why}\n${readFileSync(logFile, "utf8").slice(-5000)}`));
      };
      const timer = setTimeout(() => fail(`no "listening" line within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
      child.once("exit", (code) => fail(`it exited with ${code}`));
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const match = /listening (\d+)/.exec(out);
        if (!match) return;
        clearTimeout(timer);
        child.removeAllListeners("exit");
        resolve(new Emulator(child, Number(match[1]), logFile));
      });
    });
  }

  /**
   * Closes the server's stdin (it shuts down on EOF); kills that one process if it lingers. Node
   * sometimes sets the child's exit code without emitting its "exit" (seen here: the suite's last
   * hook waited out Jest's ten minutes in CI, and a script reproduced it one stop in three), so the
   * wait also looks at the exit code, and never lasts beyond three times STOP_TIMEOUT_MS.
   */
  stop(): Promise<void> {
    const gone = () => this.child.exitCode !== null || this.child.signalCode !== null;
    if (gone()) return Promise.resolve();
    return new Promise((resolve) => {
      const started = Date.now();
      const poll = setInterval(() => {
        if (gone()) return done();
        if (Date.now() - started >= STOP_TIMEOUT_MS) this.child.kill("SIGKILL");
        if (Date.now() - started >= 3 * STOP_TIMEOUT_MS) {
          process.stderr.write(`The AWS emulator (pid ${this.child.pid}) did not stop; see ${this.logFile}\n`);
          done();
        }
      }, 100);
      const done = () => {
        clearInterval(poll);
        resolve();
      };
      this.child.once("exit", done);
      // The server may be gone already (EPIPE): its exit, or the kill, ends the wait.
      this.child.stdin.on("error", () => {});
      this.child.stdin.end();
    });
  }
}
