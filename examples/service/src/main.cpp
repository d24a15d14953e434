// docshare: a small document-sharing HTTP service (cpp-httplib + SQLite).
#include "app.h"

#include <httplib.h>

#include <cstdio>
#include <iostream>

namespace docshare {
void register_document_routes(httplib::Server &svr, DocumentRepository &repo);
}

int main() {
  using namespace docshare;
  Config cfg = load_config();
  sqlite3 *db = nullptr;
  if (sqlite3_open(cfg.db_path.c_str(), &db) != SQLITE_OK) {
    std::cerr << "cannot open " << cfg.db_path << "\n";
    return 1;
  }
  DocumentRepository repo(db);
  httplib::Server svr;

  svr.Post("/login", [&](const httplib::Request &req, httplib::Response &res) {
    auto user = repo.findUserByName(req.get_param_value("name"));
    if (!user) {
      res.status = 403;
      return;
    }
    res.set_content(start_session(user->id), "text/plain");
  });
  register_document_routes(svr, repo);

  std::printf("listening on :%d\n", cfg.port);
  svr.listen("127.0.0.1", cfg.port);
  sqlite3_close(db);
  return 0;
}
