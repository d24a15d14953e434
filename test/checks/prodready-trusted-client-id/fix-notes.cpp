// Notes at the source and each hop, and the fix-it note (applied with
// --fix-notes) that inserts a framework-aware guard before the access.
// RUN: %check_prodready -fix-notes %s prodready-trusted-client-id %t \
// RUN:   -config="{CheckOptions: {prodready-trusted-client-id.AuthorizationFunction: 'app::can_edit'}}" \
// RUN:   -- -- -std=c++17 -I%S/Inputs
// RUN: %check_prodready -check-suffix=NOFN %s prodready-trusted-client-id %t -- -- -std=c++17 -I%S/Inputs
#include "app.h"

#include <httplib.h>

app::DocumentRepository repo;

void routes(httplib::Server &svr) {
  svr.Delete(R"(/docs/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    app::User user = app::current_user(req.get_header_value("Cookie"));
    std::string raw = req.matches[1];
    int id = std::stoi(raw);
    repo.deleteById(id);
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: object id 'id' from route parameter of 'DELETE /docs/(\d+)' reaches 'repo.deleteById' (write) without an authorization check against the authenticated user [CWE-639] [prodready-trusted-client-id]
    // CHECK-NOTES: :[[@LINE-2]]:5: note: FIX-IT applied suggested code changes
    // CHECK-NOTES: :[[@LINE-5]]:23: note: 'raw' is read from the route parameter here
    // CHECK-NOTES: :[[@LINE-6]]:17: note: flows into 'raw' here
    // CHECK-NOTES: :[[@LINE-6]]:9: note: flows into 'id' here
    // CHECK-NOTES: :[[@LINE-6]]:5: note: insert an authorization check before the access
    // CHECK-FIXES: if (!app::can_edit(user, id)) { res.status = 403; return; }
    // CHECK-FIXES-NEXT: repo.deleteById(id);
    // CHECK-NOTES-NOFN: :[[@LINE-9]]:5: warning: object id 'id' from route parameter
    // CHECK-NOTES-NOFN: :[[@LINE-12]]:23: note: 'raw' is read from the route parameter here
    // CHECK-NOTES-NOFN: :[[@LINE-13]]:17: note: flows into 'raw' here
    // CHECK-NOTES-NOFN: :[[@LINE-13]]:9: note: flows into 'id' here
    // CHECK-NOTES-NOFN: :[[@LINE-13]]:5: note: authorize the access: either scope the query to the caller
    res.status = 204;
  });
}
