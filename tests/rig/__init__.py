"""The test rig: real Milvus servers, program runs in subprocesses, server-state dumps."""
