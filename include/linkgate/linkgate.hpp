// linkgate in one include: the core (Auth, its config, callbacks and events, the Store and
// Mailer contracts) and the parts to run it in-process (stores from a DATABASE_URL, the
// built-in mailers, the HTTP server). docs/embedding.md shows how they fit together.
#pragma once

#include "linkgate/auth.hpp"       // IWYU pragma: export
#include "linkgate/callbacks.hpp"  // IWYU pragma: export
#include "linkgate/config.hpp"     // IWYU pragma: export
#include "linkgate/http.hpp"       // IWYU pragma: export
#include "linkgate/mailer.hpp"     // IWYU pragma: export
#include "linkgate/mailers.hpp"    // IWYU pragma: export
#include "linkgate/result.hpp"     // IWYU pragma: export
#include "linkgate/server.hpp"     // IWYU pragma: export
#include "linkgate/store.hpp"      // IWYU pragma: export
#include "linkgate/stores.hpp"     // IWYU pragma: export
