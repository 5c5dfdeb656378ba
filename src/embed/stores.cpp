// include/linkgate/stores.hpp on top of the server's wiring (src/server/app.hpp).
#include "linkgate/stores.hpp"

#include "server/app.hpp"

namespace linkgate {

Result<std::shared_ptr<Store>> open_store(const std::string& database_url,
                                          const StoreOptions& options) {
  return server::open_store(database_url, options.pool_size);
}

Result<std::vector<std::string>> migrate_store(const std::string& database_url) {
  return server::migrate_database(database_url);
}

}  // namespace linkgate
