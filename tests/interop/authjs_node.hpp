// Runs one of the Auth.js scripts of tests/interop/authjs with node and the @auth/core that its
// package.json pins, for the interop tests. The scripts take one JSON request file and print
// one JSON object (their protocols are described at the top of each script).
//
// A run fails, never skips, when node or tests/interop/authjs/node_modules is missing: a
// skipped interop check would let an incompatibility land silently.
#pragma once

#include <boost/json/object.hpp>
#include <string>

namespace linkgate::interop {

struct NodeRun {
  int exit_status = -1;  // node's exit status; -1 if it did not exit normally
  std::string stdout_text;
};

// Runs `node tests/interop/authjs/<script> REQUEST.json` on `request`; node's stderr goes to
// ours, so its diagnostics appear in the ctest log. Fatal-fails (in the caller, via
// ASSERT_NO_FATAL_FAILURE) when node or the pinned node_modules is missing, and when the script
// reports missing or unpinned dependencies (exit status 3).
void run_authjs_script(const std::string& script, const boost::json::object& request, NodeRun& run);

// The one JSON object `run` printed; a test failure (and an empty object) otherwise.
boost::json::object parse_script_output(const NodeRun& run);

}  // namespace linkgate::interop
