// An apply against the emulator takes a minute or two (load balancer waiters); jest's project
// configuration has no testTimeout of its own.
jest.setTimeout(600_000);
