// Where the tests find the built server and the source tree (set by CTest).
#pragma once

#include <string>

namespace linkgate::testing {

// Path of the built linkgate binary: $LINKGATE_BINARY, else the one this build made.
std::string linkgate_binary();
// The source tree (examples/ and the like).
std::string source_dir();
// A fresh, empty temporary directory, removed at process exit.
std::string make_temp_dir();

}  // namespace linkgate::testing
