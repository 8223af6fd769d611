// The matchers that Testing.setupJest() registers (see setup.ts), for the type checker.
import "cdktf/lib/testing/adapters/jest";
