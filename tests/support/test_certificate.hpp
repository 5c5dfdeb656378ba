// A throwaway self-signed TLS certificate for test servers on loopback: EC P-256, valid for a
// day, subjectAltName IP:127.0.0.1 and DNS:localhost, so a client that trusts the PEM (as a CA
// file) verifies both the chain and the host name.
#pragma once

#include <string>

namespace linkgate::testing {

struct TestCertificate {
  std::string certificate_pem;
  std::string private_key_pem;
};

// Throws std::runtime_error when OpenSSL fails (a test setup failure).
TestCertificate make_test_certificate();

}  // namespace linkgate::testing
