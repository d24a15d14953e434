// lingua-ops: client portal and translator workspace (POCO) plus the CAT-tool
// vendor API (oatpp). Jobs, documents and glossaries live in Postgres (SOCI);
// quotes, invoices and payouts are still in the legacy MySQL billing schema.
#include <Poco/DigestEngine.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/SHA2Engine.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>
#include <oatpp.h>
#include <soci/soci.h>

#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace lingua {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

const std::string kStorageRoot = "/srv/lingua/documents";
const std::string kAutosaveRoot = "/srv/lingua/autosave";

struct ClientKey { long id = 0, org_id = 0; std::string scope; };
struct Translator { long id = 0; std::string role, name; };
struct Partner { long id = 0; std::string name; };

static std::string sha256hex(const std::string &s) {
  Poco::SHA2Engine eng(Poco::SHA2Engine::SHA_256);
  eng.update(s);
  return Poco::DigestEngine::digestToHex(eng.digest());
}

static long toId(const std::string &s) {
  try {
    size_t pos = 0;
    long v = std::stol(s, &pos);
    return pos == s.size() && v > 0 ? v : 0;
  } catch (...) {
    return 0;
  }
}

// ------------------------------------------------------------------ stores

class AgencyStore {
public:
  explicit AgencyStore(soci::session &db) : db_(db) {}

  std::optional<ClientKey> keyByHash(const std::string &hash) {
    std::lock_guard<std::mutex> lk(mu_);
    ClientKey k;
    db_ << "select id, org_id, scope from client_api_keys where key_hash = :h and revoked_at is null", // EXPECT: ok
        soci::use(hash), soci::into(k.id), soci::into(k.org_id), soci::into(k.scope);
    if (!db_.got_data()) return std::nullopt;
    return k;
  }

  std::optional<Translator> translatorBySession(const std::string &sid) {
    std::lock_guard<std::mutex> lk(mu_);
    Translator t;
    db_ << "select t.id, t.role, t.display_name from translator_sessions s join translators t on t.id = s.translator_id " // EXPECT: ok
           "where s.sid = :sid and s.expires_at > now()",
        soci::use(sid), soci::into(t.id), soci::into(t.role), soci::into(t.name);
    if (!db_.got_data()) return std::nullopt;
    return t;
  }

  std::optional<Partner> partnerByToken(const std::string &token) {
    std::lock_guard<std::mutex> lk(mu_);
    Partner p;
    db_ << "select id, name from cat_partners where token_hash = :h and active", soci::use(sha256hex(token)), // EXPECT: ok
        soci::into(p.id), soci::into(p.name);
    if (!db_.got_data()) return std::nullopt;
    return p;
  }

  bool jobOwnedByOrg(long job, long org) {
    std::lock_guard<std::mutex> lk(mu_);
    int n = 0;
    db_ << "select count(*) from jobs where id = :j and client_org_id = :o", soci::use(job), soci::use(org), soci::into(n); // EXPECT: ok
    return n > 0;
  }

  // storage path of a source document, only if the translator is on its job
  std::optional<std::string> assignedDocument(long translator, long doc) {
    std::lock_guard<std::mutex> lk(mu_);
    std::string path;
    soci::indicator ind = soci::i_null;
    db_ << "select d.storage_path from documents d join jobs j on j.id = d.job_id " // EXPECT: ok
           "where d.id = :d and (j.translator_id = :t or j.reviewer_id = :t)",
        soci::use(doc, "d"), soci::use(translator, "t"), soci::into(path, ind);
    if (!db_.got_data() || ind != soci::i_ok) return std::nullopt;
    return path;
  }

  soci::session &raw() { return db_; }
  std::mutex &mutex() { return mu_; }

private:
  soci::session &db_;
  std::mutex mu_;
};

class LegacyLedger {
public:
  explicit LegacyLedger(sql::Connection *con) : con_(con) {}
  std::unique_ptr<sql::ResultSet> query(const std::string &q) {
    std::unique_ptr<sql::Statement> st(con_->createStatement());
    return std::unique_ptr<sql::ResultSet>(st->executeQuery(q));
  }
  int update(const std::string &q) {
    std::unique_ptr<sql::Statement> st(con_->createStatement());
    return st->executeUpdate(q);
  }

private:
  sql::Connection *con_;
};

// ------------------------------------------------------------------ POCO helpers

static void send(HTTPServerResponse &resp, HTTPResponse::HTTPStatus status, const std::string &body = "") {
  resp.setStatus(status);
  resp.setContentType("application/json");
  resp.setContentLength(static_cast<std::streamsize>(body.size()));
  resp.send() << body;
}

static Poco::JSON::Object::Ptr jsonBody(HTTPServerRequest &req) {
  Poco::JSON::Parser parser;
  return parser.parse(req.stream()).extract<Poco::JSON::Object::Ptr>();
}

static std::string str(const Poco::JSON::Object &o) {
  std::ostringstream os;
  o.stringify(os);
  return os.str();
}

// ------------------------------------------------------------------ client portal

class ClientPortalHandler : public Poco::Net::HTTPRequestHandler {
public:
  ClientPortalHandler(AgencyStore &store, LegacyLedger &ledger) : store_(store), ledger_(ledger) {}

  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    auto key = store_.keyByHash(sha256hex(req.get("X-Api-Key", ""))); // EXPECT: ok
    if (!key) return send(resp, HTTPResponse::HTTP_UNAUTHORIZED);
    std::vector<std::string> seg;
    Poco::URI(req.getURI()).getPathSegments(seg); // client / jobs / {id} / ...
    const std::string &method = req.getMethod();
    if (seg.size() == 2 && seg[1] == "jobs" && method == "POST") return createJob(req, resp, *key);
    if (seg.size() >= 3 && seg[1] == "jobs") {
      long job = toId(seg[2]);
      if (seg.size() == 3) return getJob(resp, *key, job);
      if (seg[3] == "deliverable") return deliverable(resp, *key, job);
      if (seg[3] == "quote") return quote(resp, *key, job);
    }
    if (seg.size() == 3 && seg[1] == "invoices") return invoice(resp, *key, toId(seg[2]));
    send(resp, HTTPResponse::HTTP_NOT_FOUND);
  }

private:
  void getJob(HTTPServerResponse &resp, const ClientKey &key, long job) {
    std::string title, status, langPair;
    {
      std::lock_guard<std::mutex> lk(store_.mutex());
      store_.raw() << "select title, status, source_lang || '>' || target_lang from jobs where id = :j and client_org_id = :o", // EXPECT: ok
          soci::use(job), soci::use(key.org_id), soci::into(title), soci::into(status), soci::into(langPair);
      if (!store_.raw().got_data()) return send(resp, HTTPResponse::HTTP_NOT_FOUND);
    }
    Poco::JSON::Object o;
    o.set("id", job).set("title", title).set("status", status).set("languages", langPair);
    send(resp, HTTPResponse::HTTP_OK, str(o));
  }

  void deliverable(HTTPServerResponse &resp, const ClientKey &key, long job) {
    if (!store_.jobOwnedByOrg(job, key.org_id)) return send(resp, HTTPResponse::HTTP_NOT_FOUND); // EXPECT: ok
    std::ifstream in(kStorageRoot + "/deliverables/" + std::to_string(job) + ".zip", std::ios::binary); // EXPECT: ok
    if (!in) return send(resp, HTTPResponse::HTTP_CONFLICT, "{\"error\":\"not delivered yet\"}");
    resp.setStatus(HTTPResponse::HTTP_OK);
    resp.setContentType("application/zip");
    Poco::StreamCopier::copyStream(in, resp.send());
  }

  // quotes are still produced by the old estimator into the billing schema
  void quote(HTTPServerResponse &resp, const ClientKey &, long job) {
    auto rs = ledger_.query("SELECT word_count, rate_per_word, total, currency, valid_until FROM quotes WHERE job_id = " + // EXPECT: idor
                            std::to_string(job));
    if (!rs->next()) return send(resp, HTTPResponse::HTTP_NOT_FOUND);
    Poco::JSON::Object o;
    o.set("words", rs->getInt("word_count"));
    o.set("rate", static_cast<double>(rs->getDouble("rate_per_word")));
    o.set("total", static_cast<double>(rs->getDouble("total")));
    o.set("currency", std::string(rs->getString("currency")));
    send(resp, HTTPResponse::HTTP_OK, str(o));
  }

  void invoice(HTTPServerResponse &resp, const ClientKey &key, long id) {
    auto rs = ledger_.query("SELECT id, org_id, amount, currency, status, pdf_path FROM invoices WHERE id = " + // EXPECT: ok
                            std::to_string(id));
    if (!rs->next() || rs->getInt64("org_id") != key.org_id) return send(resp, HTTPResponse::HTTP_NOT_FOUND);
    Poco::JSON::Object o;
    o.set("id", id);
    o.set("amount", static_cast<double>(rs->getDouble("amount")));
    o.set("currency", std::string(rs->getString("currency")));
    o.set("status", std::string(rs->getString("status")));
    send(resp, HTTPResponse::HTTP_OK, str(o));
  }

  void createJob(HTTPServerRequest &req, HTTPServerResponse &resp, const ClientKey &key) {
    auto body = jsonBody(req);
    long org = key.org_id;
    // reseller keys may place orders for the end customers they manage
    if (key.scope == "reseller" && req.has("X-On-Behalf-Of")) org = toId(req.get("X-On-Behalf-Of"));
    std::string title = body->optValue<std::string>("title", "untitled");
    std::string src = body->optValue<std::string>("source_lang", "en");
    std::string dst = body->getValue<std::string>("target_lang");
    long id = 0;
    std::lock_guard<std::mutex> lk(store_.mutex());
    store_.raw() << "insert into jobs (client_org_id, title, source_lang, target_lang, status) " // EXPECT: identity
                    "values (:o, :t, :s, :d, 'new') returning id",
        soci::use(org), soci::use(title), soci::use(src), soci::use(dst), soci::into(id);
    send(resp, HTTPResponse::HTTP_CREATED, "{\"id\":" + std::to_string(id) + "}");
  }

  AgencyStore &store_;
  LegacyLedger &ledger_;
};

// ------------------------------------------------------------------ translator workspace

class WorkspaceHandler : public Poco::Net::HTTPRequestHandler {
public:
  WorkspaceHandler(AgencyStore &store, LegacyLedger &ledger) : store_(store), ledger_(ledger) {}

  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    Poco::Net::NameValueCollection cookies;
    req.getCookies(cookies);
    auto me = store_.translatorBySession(cookies.get("tsid", "")); // EXPECT: ok
    if (!me) return send(resp, HTTPResponse::HTTP_UNAUTHORIZED);
    std::vector<std::string> seg;
    Poco::URI(req.getURI()).getPathSegments(seg); // workspace / ...
    const std::string &m = req.getMethod();
    if (seg.size() == 2 && seg[1] == "jobs") return myJobs(resp, *me);
    if (seg.size() == 4 && seg[1] == "jobs" && seg[3] == "claim" && m == "POST") return claim(resp, *me, toId(seg[2]));
    if (seg.size() == 3 && seg[1] == "documents") return source(resp, *me, toId(seg[2]));
    if (seg.size() == 4 && seg[1] == "documents" && seg[3] == "translation" && m == "PUT")
      return saveTranslation(req, resp, *me, toId(seg[2]));
    if (seg.size() == 4 && seg[1] == "documents" && seg[3] == "comments") return comments(resp, *me, toId(seg[2]));
    if (seg.size() == 4 && seg[1] == "translators" && seg[3] == "payouts") return payouts(resp, *me, toId(seg[2]));
    if (seg.size() == 2 && seg[1] == "timesheets" && m == "POST") return logHours(req, resp, *me);
    send(resp, HTTPResponse::HTTP_NOT_FOUND);
  }

private:
  void myJobs(HTTPServerResponse &resp, const Translator &me) {
    Poco::JSON::Array arr;
    std::lock_guard<std::mutex> lk(store_.mutex());
    soci::rowset<soci::row> rs = (store_.raw().prepare << "select id, title, due_at::text from jobs where translator_id = :t " // EXPECT: ok
                                                          "and status in ('assigned', 'in_progress') order by due_at",
                                  soci::use(me.id));
    for (const auto &r : rs) {
      Poco::JSON::Object o;
      arr.add(o.set("id", r.get<int>(0)).set("title", r.get<std::string>(1)).set("due", r.get<std::string>(2)));
    }
    std::ostringstream os;
    arr.stringify(os);
    send(resp, HTTPResponse::HTTP_OK, os.str());
  }

  void claim(HTTPServerResponse &resp, const Translator &me, long job) {
    std::lock_guard<std::mutex> lk(store_.mutex());
    long claimed = 0;
    store_.raw() << "update jobs set translator_id = :t, status = 'assigned' " // EXPECT: ok
                    "where id = :j and translator_id is null and status = 'open' "
                    "and (source_lang, target_lang) in (select source_lang, target_lang "
                    "from translator_languages where translator_id = :t) returning id",
        soci::use(me.id, "t"), soci::use(job, "j"), soci::into(claimed);
    send(resp, store_.raw().got_data() ? HTTPResponse::HTTP_NO_CONTENT : HTTPResponse::HTTP_CONFLICT);
  }

  void source(HTTPServerResponse &resp, const Translator &me, long doc) {
    auto path = store_.assignedDocument(me.id, doc); // EXPECT: ok
    if (!path) return send(resp, HTTPResponse::HTTP_NOT_FOUND);
    std::ifstream in(kStorageRoot + "/" + *path, std::ios::binary); // EXPECT: ok
    if (!in) return send(resp, HTTPResponse::HTTP_GONE);
    resp.setContentType("application/x-xliff+xml");
    Poco::StreamCopier::copyStream(in, resp.send());
  }

  void saveTranslation(HTTPServerRequest &req, HTTPServerResponse &resp, const Translator &me, long doc) {
    std::string target;
    if (req.get("X-Save-Mode", "manual") == "autosave") {
      // the editor autosaves every 20 seconds; keep this path free of DB
      // round-trips, the scratch copy is promoted on the next manual save
      target = kAutosaveRoot + "/" + std::to_string(doc) + ".xliff";
    } else {
      auto path = store_.assignedDocument(me.id, doc); // EXPECT: ok
      if (!path) return send(resp, HTTPResponse::HTTP_FORBIDDEN);
      target = kStorageRoot + "/" + *path + ".target";
    }
    std::ofstream out(target, std::ios::binary | std::ios::trunc); // EXPECT: idor
    Poco::StreamCopier::copyStream(req.stream(), out);
    send(resp, out ? HTTPResponse::HTTP_NO_CONTENT : HTTPResponse::HTTP_INTERNAL_SERVER_ERROR);
  }

  void comments(HTTPServerResponse &resp, const Translator &, long doc) {
    Poco::JSON::Array arr;
    std::lock_guard<std::mutex> lk(store_.mutex());
    soci::rowset<soci::row> rs = (store_.raw().prepare << "select segment_no, author, body from review_comments " // EXPECT: idor
                                                          "where document_id = :d order by segment_no",
                                  soci::use(doc));
    for (const auto &r : rs) {
      Poco::JSON::Object o;
      arr.add(o.set("segment", r.get<int>(0)).set("author", r.get<std::string>(1)).set("body", r.get<std::string>(2)));
    }
    std::ostringstream os;
    arr.stringify(os);
    send(resp, HTTPResponse::HTTP_OK, os.str());
  }

  void payouts(HTTPServerResponse &resp, const Translator &me, long translator) {
    if (translator != me.id && me.role != "pm" && me.role != "finance") return send(resp, HTTPResponse::HTTP_FORBIDDEN);
    auto rs = ledger_.query("SELECT period, words, amount, paid_on FROM payouts WHERE translator_id = " + // EXPECT: ok
                            std::to_string(translator) + " ORDER BY period DESC LIMIT 12");
    Poco::JSON::Array arr;
    while (rs->next()) {
      Poco::JSON::Object o;
      o.set("period", std::string(rs->getString("period")));
      o.set("amount", static_cast<double>(rs->getDouble("amount")));
      arr.add(o);
    }
    std::ostringstream os;
    arr.stringify(os);
    send(resp, HTTPResponse::HTTP_OK, os.str());
  }

  // PMs log review hours for freelancers who do not use the workspace
  void logHours(HTTPServerRequest &req, HTTPServerResponse &resp, const Translator &me) {
    auto body = jsonBody(req);
    long who = body->has("translator_id") ? body->getValue<long>("translator_id") : me.id;
    long job = body->getValue<long>("job_id");
    double hours = body->getValue<double>("hours");
    int n = ledger_.update("INSERT INTO timesheets (translator_id, job_id, hours, logged_by, logged_at) VALUES (" + // EXPECT: identity
                           std::to_string(who) + ", " + std::to_string(job) + ", " + std::to_string(hours) + ", " +
                           std::to_string(me.id) + ", NOW())");
    send(resp, n == 1 ? HTTPResponse::HTTP_CREATED : HTTPResponse::HTTP_BAD_REQUEST);
  }

  AgencyStore &store_;
  LegacyLedger &ledger_;
};

class Router : public Poco::Net::HTTPRequestHandlerFactory {
public:
  Router(AgencyStore &s, LegacyLedger &l) : store_(s), ledger_(l) {}
  Poco::Net::HTTPRequestHandler *createRequestHandler(const HTTPServerRequest &req) override {
    const auto &uri = req.getURI();
    if (uri.rfind("/client/", 0) == 0) return new ClientPortalHandler(store_, ledger_);
    if (uri.rfind("/workspace/", 0) == 0) return new WorkspaceHandler(store_, ledger_);
    return nullptr;
  }

private:
  AgencyStore &store_;
  LegacyLedger &ledger_;
};

// ------------------------------------------------------------------ vendor API (oatpp)

class VendorController : public oatpp::web::server::api::ApiController {
public:
  explicit VendorController(AgencyStore &store) : store_(store) {}

  ENDPOINT("GET", "/vendor/jobs/{jobId}/segments", segments, PATH(oatpp::Int64, jobId),
           HEADER(oatpp::String, auth, "Authorization")) {
    auto partner = partnerOf(auth);
    if (!partner) return createResponse(Status::CODE_403, "invalid token");
    std::lock_guard<std::mutex> lk(store_.mutex());
    soci::rowset<soci::row> rs = (store_.raw().prepare << "select s.segment_no, s.source_text, s.target_text from segments s " // EXPECT: ok
                                                          "join jobs j on j.id = s.job_id where j.id = :j and j.cat_partner_id = :p",
                                  soci::use(static_cast<long>(jobId), "j"), soci::use(partner->id, "p"));
    std::ostringstream os;
    for (const auto &r : rs) os << r.get<int>(0) << '\t' << r.get<std::string>(1) << '\t' << r.get<std::string>(2) << '\n';
    return createResponse(Status::CODE_200, os.str());
  }

  ENDPOINT("GET", "/vendor/glossaries/{glossaryId}", glossary, PATH(oatpp::Int64, glossaryId),
           HEADER(oatpp::String, auth, "Authorization")) {
    if (!partnerOf(auth)) return createResponse(Status::CODE_403, "invalid token");
    std::lock_guard<std::mutex> lk(store_.mutex());
    soci::rowset<soci::row> rs = (store_.raw().prepare << "select term, translation, note from glossary_terms " // EXPECT: idor
                                                          "where glossary_id = :g order by term",
                                  soci::use(static_cast<long>(glossaryId)));
    std::ostringstream os;
    for (const auto &r : rs) os << r.get<std::string>(0) << '\t' << r.get<std::string>(1) << '\n';
    return createResponse(Status::CODE_200, os.str());
  }

  ENDPOINT("POST", "/vendor/jobs/{jobId}/complete", complete, PATH(oatpp::Int64, jobId),
           HEADER(oatpp::String, auth, "Authorization")) {
    auto partner = partnerOf(auth);
    if (!partner) return createResponse(Status::CODE_403, "invalid token");
    std::lock_guard<std::mutex> lk(store_.mutex());
    long owner = 0;
    std::string status;
    store_.raw() << "select cat_partner_id, status from jobs where id = :j", soci::use(static_cast<long>(jobId)), // EXPECT: ok
        soci::into(owner), soci::into(status);
    if (!store_.raw().got_data() || owner != partner->id) return createResponse(Status::CODE_404, "no such job");
    if (status != "in_progress") return createResponse(Status::CODE_403, "job is " + status);
    store_.raw() << "update jobs set status = 'translated', translated_at = now() where id = :j", // EXPECT: ok
        soci::use(static_cast<long>(jobId));
    return createResponse(Status::CODE_200, "ok");
  }

  // public translator directory shown in partner tools
  ENDPOINT("GET", "/vendor/translators/{translatorId}", translator, PATH(oatpp::Int64, translatorId)) {
    std::string name, langs;
    double rating = 0;
    std::lock_guard<std::mutex> lk(store_.mutex());
    store_.raw() << "select display_name, language_summary, public_rating from translators " // EXPECT: ok
                    "where id = :t and directory_listed",
        soci::use(static_cast<long>(translatorId)), soci::into(name), soci::into(langs), soci::into(rating);
    if (!store_.raw().got_data()) return createResponse(Status::CODE_404, "not listed");
    return createResponse(Status::CODE_200, name + "\t" + langs + "\t" + std::to_string(rating));
  }

  // v1 integrations predate partner tokens and identify themselves by id
  ENDPOINT("GET", "/vendor/queue", queue, HEADER(oatpp::String, partnerId, "X-Partner-Id")) {
    long pid = toId(partnerId);
    if (pid == 0) return createResponse(Status::CODE_403, "partner required");
    std::lock_guard<std::mutex> lk(store_.mutex());
    soci::rowset<soci::row> rs = (store_.raw().prepare << "select id, title, word_count from jobs " // EXPECT: identity
                                                          "where cat_partner_id = :p and status = 'open' order by created_at",
                                  soci::use(pid));
    std::ostringstream os;
    for (const auto &r : rs) os << r.get<int>(0) << '\t' << r.get<std::string>(1) << '\n';
    return createResponse(Status::CODE_200, os.str());
  }

private:
  std::optional<Partner> partnerOf(const std::string &auth) {
    if (auth.rfind("Bearer ", 0) != 0) return std::nullopt;
    return store_.partnerByToken(auth.substr(7)); // EXPECT: ok
  }

  AgencyStore &store_;
};

} // namespace lingua

int main() {
  soci::session db("postgresql://dbname=lingua host=pg.lingua.internal user=lingua_app");
  auto *driver = sql::mysql::get_mysql_driver_instance();
  std::unique_ptr<sql::Connection> legacy(driver->connect("tcp://billing-legacy:3306", "lingua", "from-vault"));
  legacy->setSchema("billing");
  lingua::AgencyStore store(db);
  lingua::LegacyLedger ledger(legacy.get());
  lingua::VendorController vendor(store);
  Poco::Net::HTTPServer server(new lingua::Router(store, ledger), Poco::Net::ServerSocket(8081),
                               new Poco::Net::HTTPServerParams);
  server.start();
  return 0;
}
