// StockRoom inventory service
//
//   * tenant web app API      -> Poco::Net::HTTPServer on :8080  (cookie sessions)
//   * partner/3PL integration -> cpprestsdk http_listener on :8081 (API keys)
//
// Persistence: MySQL 8 via Connector/C++ (legacy JDBC-style API).

#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/NumberParser.h>
#include <Poco/StringTokenizer.h>
#include <Poco/URI.h>

#include <cpprest/http_listener.h>
#include <cpprest/json.h>

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_driver.h>

#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace stockroom {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

typedef std::unique_ptr<sql::PreparedStatement> StmtPtr;
typedef std::unique_ptr<sql::ResultSet> RowsPtr;

// ===========================================================================
// Domain objects
// ===========================================================================

struct RequestContext {
    int64_t userId = 0;
    int64_t tenantId = 0;
    std::string role;  // "viewer" | "clerk" | "manager" | "owner"
};

struct Item {
    int64_t id = 0;
    int64_t tenantId = 0;
    std::string sku;
    std::string name;
    int64_t quantity = 0;
};

class HttpError : public std::runtime_error {
public:
    HttpError(HTTPResponse::HTTPStatus status, const std::string& msg) : std::runtime_error(msg), m_status(status) {}
    HTTPResponse::HTTPStatus status() const { return m_status; }

private:
    HTTPResponse::HTTPStatus m_status;
};

// ===========================================================================
// Data access
// ===========================================================================

class SessionDao {
public:
    explicit SessionDao(sql::Connection* c) : m_conn(c) {}

    std::optional<RequestContext> findActive(const std::string& sessionId) {
        StmtPtr ps(m_conn->prepareStatement(
            "SELECT s.user_id, u.tenant_id, u.role FROM web_sessions s JOIN users u ON u.id = s.user_id "
            "WHERE s.session_id = ? AND s.expires_at > NOW() AND u.disabled = 0"));
        ps->setString(1, sessionId);
        RowsPtr rs(ps->executeQuery());  // EXPECT: ok
        if (!rs->next()) return std::nullopt;
        RequestContext ctx;
        ctx.userId = rs->getInt64(1);
        ctx.tenantId = rs->getInt64(2);
        ctx.role = rs->getString(3).asStdString();
        return ctx;
    }

private:
    sql::Connection* m_conn;
};

class ItemDao {
public:
    explicit ItemDao(sql::Connection* c) : m_conn(c) {}

    std::vector<Item> listForWarehouse(int64_t tenantId, int64_t warehouseId) {
        StmtPtr ps(m_conn->prepareStatement(
            "SELECT i.id, i.tenant_id, i.sku, i.name, i.quantity FROM items i "
            "JOIN warehouses w ON w.id = i.warehouse_id WHERE w.id = ? AND w.tenant_id = ? ORDER BY i.sku"));
        ps->setInt64(1, warehouseId);
        ps->setInt64(2, tenantId);
        RowsPtr rs(ps->executeQuery());  // EXPECT: ok
        return readItems(rs.get());
    }

    std::optional<Item> findById(int64_t itemId) {
        StmtPtr ps(m_conn->prepareStatement("SELECT id, tenant_id, sku, name, quantity FROM items WHERE id = ?"));
        ps->setInt64(1, itemId);
        RowsPtr rs(ps->executeQuery());  // EXPECT: ok
        auto items = readItems(rs.get());
        if (items.empty()) return std::nullopt;
        return items.front();
    }

    bool belongsToTenant(int64_t itemId, int64_t tenantId) {
        StmtPtr ps(m_conn->prepareStatement("SELECT 1 FROM items WHERE id = ? AND tenant_id = ?"));
        ps->setInt64(1, itemId);
        ps->setInt64(2, tenantId);
        RowsPtr rs(ps->executeQuery());  // EXPECT: ok
        return rs->next();
    }

    int adjustQuantity(int64_t itemId, int64_t delta, int64_t actorId) {
        StmtPtr ps(m_conn->prepareStatement(
            "UPDATE items SET quantity = quantity + ?, updated_by = ?, updated_at = NOW() WHERE id = ?"));
        ps->setInt64(1, delta);
        ps->setInt64(2, actorId);
        ps->setInt64(3, itemId);
        return ps->executeUpdate();  // EXPECT: idor
    }

    std::optional<Item> findForTenant(int64_t itemId, int64_t tenantId) {
        StmtPtr ps(m_conn->prepareStatement(
            "SELECT id, tenant_id, sku, name, quantity FROM items WHERE id = ? AND tenant_id = ?"));
        ps->setInt64(1, itemId);
        ps->setInt64(2, tenantId);
        RowsPtr rs(ps->executeQuery());  // EXPECT: ok
        auto items = readItems(rs.get());
        if (items.empty()) return std::nullopt;
        return items.front();
    }

    std::vector<Item> findManyForTenant(const std::vector<int64_t>& ids, int64_t tenantId) {
        if (ids.empty()) return {};
        std::string placeholders;
        for (size_t i = 0; i < ids.size(); ++i) placeholders += (i ? ",?" : "?");
        StmtPtr ps(m_conn->prepareStatement("SELECT id, tenant_id, sku, name, quantity FROM items WHERE tenant_id = ? AND id IN (" +
                                            placeholders + ")"));
        ps->setInt64(1, tenantId);
        for (size_t i = 0; i < ids.size(); ++i) ps->setInt64(static_cast<unsigned>(i + 2), ids[i]);
        RowsPtr rs(ps->executeQuery());  // EXPECT: ok
        return readItems(rs.get());
    }

    int reserve(int64_t itemId, int64_t tenantId, int64_t qty) {
        StmtPtr ps(m_conn->prepareStatement(
            "UPDATE items SET reserved = reserved + ? WHERE id = ? AND tenant_id = ? AND quantity - reserved >= ?"));
        ps->setInt64(1, qty);
        ps->setInt64(2, itemId);
        ps->setInt64(3, tenantId);
        ps->setInt64(4, qty);
        return ps->executeUpdate();  // EXPECT: ok
    }

private:
    static std::vector<Item> readItems(sql::ResultSet* rs) {
        std::vector<Item> out;
        while (rs->next()) {
            Item it;
            it.id = rs->getInt64("id");
            it.tenantId = rs->getInt64("tenant_id");
            it.sku = rs->getString("sku").asStdString();
            it.name = rs->getString("name").asStdString();
            it.quantity = rs->getInt64("quantity");
            out.push_back(it);
        }
        return out;
    }

    sql::Connection* m_conn;
};

class MovementDao {
public:
    explicit MovementDao(sql::Connection* c) : m_conn(c) {}

    std::vector<std::string> historyForItem(int64_t itemId) {
        StmtPtr ps(m_conn->prepareStatement(
            "SELECT CONCAT(created_at, ' ', delta, ' ', reason) FROM stock_movements WHERE item_id = ? ORDER BY created_at DESC LIMIT 200"));
        ps->setInt64(1, itemId);
        RowsPtr rs(ps->executeQuery());  // EXPECT: ok
        std::vector<std::string> out;
        while (rs->next()) out.push_back(rs->getString(1).asStdString());
        return out;
    }

    void recordPartnerMovement(int64_t itemId, int64_t delta, const std::string& reason, int64_t partnerId) {
        StmtPtr ps(m_conn->prepareStatement(
            "INSERT INTO stock_movements (item_id, delta, reason, partner_id, created_at) VALUES (?, ?, ?, ?, NOW())"));
        ps->setInt64(1, itemId);
        ps->setInt64(2, delta);
        ps->setString(3, reason);
        ps->setInt64(4, partnerId);
        ps->executeUpdate();  // EXPECT: idor
    }

private:
    sql::Connection* m_conn;
};

// ===========================================================================
// Poco handlers (tenant web app)
// ===========================================================================

class ApiHandler : public Poco::Net::HTTPRequestHandler {
public:
    explicit ApiHandler(sql::Connection* c) : m_conn(c) {}

    void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
        try {
            Poco::URI uri(request.getURI());
            std::vector<std::string> segments;
            uri.getPathSegments(segments);
            const std::string body = serve(request, segments);
            response.setStatus(HTTPResponse::HTTP_OK);
            response.setContentType("application/json");
            response.send() << body;
        } catch (const HttpError& e) {
            response.setStatus(e.status());
            response.send() << "{\"error\":\"" << e.what() << "\"}";
        } catch (const sql::SQLException& e) {
            response.setStatus(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR);
            response.send() << "{\"error\":\"database\"}";
        }
    }

protected:
    virtual std::string serve(HTTPServerRequest& request, const std::vector<std::string>& segments) = 0;

    RequestContext requireSession(HTTPServerRequest& request) {
        Poco::Net::NameValueCollection cookies;
        request.getCookies(cookies);
        const std::string sid = cookies.get("SRSESSION", "");
        if (sid.empty()) throw HttpError(HTTPResponse::HTTP_UNAUTHORIZED, "login required");
        SessionDao sessions(m_conn);
        auto ctx = sessions.findActive(sid);
        if (!ctx) throw HttpError(HTTPResponse::HTTP_UNAUTHORIZED, "session expired");
        return *ctx;
    }

    static int64_t parseId(const std::string& s) {
        Poco::Int64 v = 0;
        if (!Poco::NumberParser::tryParse64(s, v) || v <= 0) throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "bad id");
        return v;
    }

    static std::string itemJson(const Item& it) {
        std::ostringstream os;
        os << "{\"id\":" << it.id << ",\"sku\":\"" << it.sku << "\",\"name\":\"" << it.name << "\",\"quantity\":" << it.quantity << "}";
        return os.str();
    }

    sql::Connection* m_conn;
};

// GET  /api/warehouses/{id}/items
// GET  /api/items/{id}
// GET  /api/items/{id}/history
// POST /api/items/{id}/adjust      form: delta=<n>
class ItemsHandler : public ApiHandler {
public:
    using ApiHandler::ApiHandler;

protected:
    std::string serve(HTTPServerRequest& request, const std::vector<std::string>& seg) override {
        RequestContext ctx = requireSession(request);
        ItemDao items(m_conn);

        if (seg.size() == 4 && seg[1] == "warehouses" && seg[3] == "items") {
            std::ostringstream os;
            os << "[";
            bool first = true;
            for (const auto& it : items.listForWarehouse(ctx.tenantId, parseId(seg[2]))) {
                os << (first ? "" : ",") << itemJson(it);
                first = false;
            }
            os << "]";
            return os.str();
        }

        if (seg.size() < 3 || seg[1] != "items") throw HttpError(HTTPResponse::HTTP_NOT_FOUND, "no route");
        const int64_t itemId = parseId(seg[2]);

        if (seg.size() == 3 && request.getMethod() == "GET") {
            auto item = items.findById(itemId);
            if (!item || item->tenantId != ctx.tenantId) throw HttpError(HTTPResponse::HTTP_NOT_FOUND, "not found");
            return itemJson(*item);
        }

        if (seg.size() == 4 && seg[3] == "history") {
            if (!items.belongsToTenant(itemId, ctx.tenantId)) throw HttpError(HTTPResponse::HTTP_NOT_FOUND, "not found");
            MovementDao movements(m_conn);
            std::ostringstream os;
            os << "[";
            bool first = true;
            for (const auto& line : movements.historyForItem(itemId)) {
                os << (first ? "" : ",") << "\"" << line << "\"";
                first = false;
            }
            os << "]";
            return os.str();
        }

        if (seg.size() == 4 && seg[3] == "adjust" && request.getMethod() == "POST") {
            if (ctx.role == "viewer") throw HttpError(HTTPResponse::HTTP_FORBIDDEN, "read-only role");
            Poco::Net::HTMLForm form(request, request.stream());
            int64_t delta = 0;
            if (!Poco::NumberParser::tryParse64(form.get("delta", ""), delta)) throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "delta");
            const int changed = items.adjustQuantity(itemId, delta, ctx.userId);
            if (changed == 0) throw HttpError(HTTPResponse::HTTP_NOT_FOUND, "not found");
            return "{\"ok\":true}";
        }

        throw HttpError(HTTPResponse::HTTP_NOT_FOUND, "no route");
    }
};

// GET    /api/warehouses
// DELETE /api/warehouses/{id}           (owner only)
// GET    /api/stocktakes/{id}/sheet     (CSV produced by the stocktake job)
class WarehouseHandler : public ApiHandler {
public:
    using ApiHandler::ApiHandler;

protected:
    std::string serve(HTTPServerRequest& request, const std::vector<std::string>& seg) override {
        RequestContext ctx = requireSession(request);

        if (seg.size() == 2 && seg[1] == "warehouses") {
            StmtPtr ps(m_conn->prepareStatement("SELECT id, name, city FROM warehouses WHERE tenant_id = ? ORDER BY name"));
            ps->setInt64(1, ctx.tenantId);
            RowsPtr rs(ps->executeQuery());  // EXPECT: ok
            std::ostringstream os;
            os << "[";
            for (bool first = true; rs->next(); first = false)
                os << (first ? "" : ",") << "{\"id\":" << rs->getInt64(1) << ",\"name\":\"" << rs->getString(2) << "\"}";
            os << "]";
            return os.str();
        }

        if (seg.size() == 3 && seg[1] == "warehouses" && request.getMethod() == "DELETE") {
            if (ctx.role != "owner") throw HttpError(HTTPResponse::HTTP_FORBIDDEN, "owner only");
            StmtPtr ps(m_conn->prepareStatement("DELETE FROM warehouses WHERE id = ? AND tenant_id = ?"));
            ps->setInt64(1, parseId(seg[2]));
            ps->setInt64(2, ctx.tenantId);
            if (ps->executeUpdate() == 0) throw HttpError(HTTPResponse::HTTP_NOT_FOUND, "not found");  // EXPECT: ok
            return "{\"deleted\":true}";
        }

        if (seg.size() == 4 && seg[1] == "stocktakes" && seg[3] == "sheet") {
            const int64_t stocktakeId = parseId(seg[2]);
            const std::string path = "/srv/stockroom/stocktakes/" + std::to_string(ctx.tenantId) + "/" +
                                     std::to_string(stocktakeId) + ".csv";
            std::ifstream in(path);  // EXPECT: ok
            if (!in) throw HttpError(HTTPResponse::HTTP_NOT_FOUND, "not generated yet");
            std::ostringstream os;
            os << in.rdbuf();
            return os.str();
        }

        throw HttpError(HTTPResponse::HTTP_NOT_FOUND, "no route");
    }
};

// GET /api/watchlist/export?user_id=   (user_id optional, defaults to caller)
// GET /api/legacy/transfers            (old desktop client; sends X-StockRoom-User)
class ReportsHandler : public ApiHandler {
public:
    using ApiHandler::ApiHandler;

protected:
    std::string serve(HTTPServerRequest& request, const std::vector<std::string>& seg) override {
        if (seg.size() == 3 && seg[1] == "watchlist" && seg[2] == "export") {
            RequestContext ctx = requireSession(request);
            Poco::Net::HTMLForm form(request);
            const int64_t subject = form.has("user_id") ? parseId(form.get("user_id")) : ctx.userId;
            StmtPtr ps(m_conn->prepareStatement(
                "SELECT i.sku, i.name, w.threshold FROM watchlist w JOIN items i ON i.id = w.item_id WHERE w.user_id = ?"));
            ps->setInt64(1, subject);
            RowsPtr rs(ps->executeQuery());  // EXPECT: identity
            std::ostringstream os;
            os << "sku,name,threshold\n";
            while (rs->next()) os << rs->getString(1) << "," << rs->getString(2) << "," << rs->getInt(3) << "\n";
            return os.str();
        }

        if (seg.size() == 3 && seg[1] == "legacy" && seg[2] == "transfers") {
            const std::string userHeader = request.get("X-StockRoom-User", "");
            const int64_t userId = parseId(userHeader);
            StmtPtr who(m_conn->prepareStatement("SELECT tenant_id FROM users WHERE id = ?"));
            who->setInt64(1, userId);
            RowsPtr wr(who->executeQuery());  // EXPECT: identity
            if (!wr->next()) throw HttpError(HTTPResponse::HTTP_UNAUTHORIZED, "unknown user");
            const int64_t tenantId = wr->getInt64(1);

            StmtPtr ps(m_conn->prepareStatement(
                "SELECT id, from_warehouse_id, to_warehouse_id, status, created_at FROM transfers WHERE tenant_id = ? "
                "ORDER BY created_at DESC LIMIT 500"));
            ps->setInt64(1, tenantId);
            RowsPtr rs(ps->executeQuery());  // EXPECT: identity
            std::ostringstream os;
            while (rs->next())
                os << rs->getInt64(1) << "\t" << rs->getInt64(2) << "\t" << rs->getInt64(3) << "\t" << rs->getString(4) << "\n";
            return os.str();
        }

        throw HttpError(HTTPResponse::HTTP_NOT_FOUND, "no route");
    }
};

class HandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit HandlerFactory(sql::Connection* c) : m_conn(c) {}

    Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest& request) override {
        const std::string& uri = request.getURI();
        if (uri.rfind("/api/items", 0) == 0 || (uri.rfind("/api/warehouses/", 0) == 0 && uri.find("/items") != std::string::npos))
            return new ItemsHandler(m_conn);
        if (uri.rfind("/api/warehouses", 0) == 0 || uri.rfind("/api/stocktakes/", 0) == 0) return new WarehouseHandler(m_conn);
        if (uri.rfind("/api/watchlist/", 0) == 0 || uri.rfind("/api/legacy/", 0) == 0) return new ReportsHandler(m_conn);
        return nullptr;
    }

private:
    sql::Connection* m_conn;
};

// ===========================================================================
// cpprestsdk partner API
// ===========================================================================

namespace partner {

using namespace web;
using namespace web::http;
using web::http::experimental::listener::http_listener;

struct PartnerKey {
    int64_t partnerId = 0;
    int64_t tenantId = 0;
};

static std::optional<PartnerKey> resolveKey(sql::Connection* conn, const http_request& req) {
    auto it = req.headers().find(U("X-Api-Key"));
    if (it == req.headers().end() || it->second.size() < 32) return std::nullopt;
    StmtPtr ps(conn->prepareStatement(
        "SELECT id, tenant_id FROM partners WHERE api_key_sha256 = SHA2(?, 256) AND active = 1"));
    ps->setString(1, utility::conversions::to_utf8string(it->second));
    RowsPtr rs(ps->executeQuery());  // EXPECT: ok
    if (!rs->next()) return std::nullopt;
    return PartnerKey{rs->getInt64(1), rs->getInt64(2)};
}

static json::value itemToJson(const Item& it) {
    json::value v = json::value::object();
    v[U("id")] = json::value::number(static_cast<int64_t>(it.id));
    v[U("sku")] = json::value::string(utility::conversions::to_string_t(it.sku));
    v[U("quantity")] = json::value::number(static_cast<int64_t>(it.quantity));
    return v;
}

class PartnerApi {
public:
    PartnerApi(const utility::string_t& url, sql::Connection* conn) : m_listener(url), m_conn(conn) {
        m_listener.support(methods::GET, [this](http_request req) { handleGet(req); });
        m_listener.support(methods::POST, [this](http_request req) { handlePost(req); });
    }

    pplx::task<void> open() { return m_listener.open(); }

private:
    void handleGet(http_request req) {
        auto key = resolveKey(m_conn, req);
        if (!key) {
            req.reply(status_codes::Unauthorized);
            return;
        }
        auto path = uri::split_path(uri::decode(req.relative_uri().path()));
        ItemDao items(m_conn);

        // items/{id}
        if (path.size() == 2 && path[0] == U("items")) {
            auto item = items.findForTenant(std::stoll(path[1]), key->tenantId);
            if (!item) {
                req.reply(status_codes::NotFound);
                return;
            }
            req.reply(status_codes::OK, itemToJson(*item));
            return;
        }

        // locations/{id}/bins
        if (path.size() == 3 && path[0] == U("locations") && path[2] == U("bins")) {
            const int64_t locationId = std::stoll(path[1]);
            StmtPtr ps(m_conn->prepareStatement("SELECT code, capacity, occupied FROM bins WHERE location_id = ? ORDER BY code"));
            ps->setInt64(1, locationId);
            RowsPtr rs(ps->executeQuery());  // EXPECT: idor
            json::value arr = json::value::array();
            size_t n = 0;
            while (rs->next()) {
                json::value b = json::value::object();
                b[U("code")] = json::value::string(utility::conversions::to_string_t(rs->getString(1).asStdString()));
                b[U("capacity")] = json::value::number(rs->getInt(2));
                b[U("occupied")] = json::value::number(rs->getInt(3));
                arr[n++] = b;
            }
            req.reply(status_codes::OK, arr);
            return;
        }

        // tenants/{id}/summary
        if (path.size() == 3 && path[0] == U("tenants") && path[2] == U("summary")) {
            const int64_t tenantId = std::stoll(path[1]);
            if (tenantId != key->tenantId) {
                req.reply(status_codes::Forbidden);
                return;
            }
            StmtPtr ps(m_conn->prepareStatement("SELECT COUNT(*), COALESCE(SUM(quantity),0) FROM items WHERE tenant_id = ?"));
            ps->setInt64(1, tenantId);
            RowsPtr rs(ps->executeQuery());  // EXPECT: ok
            json::value out = json::value::object();
            if (rs->next()) {
                out[U("skus")] = json::value::number(static_cast<int64_t>(rs->getInt64(1)));
                out[U("units")] = json::value::number(static_cast<int64_t>(rs->getInt64(2)));
            }
            req.reply(status_codes::OK, out);
            return;
        }
        req.reply(status_codes::NotFound);
    }

    void handlePost(http_request req) {
        auto key = resolveKey(m_conn, req);
        if (!key) {
            req.reply(status_codes::Unauthorized);
            return;
        }
        auto path = uri::split_path(uri::decode(req.relative_uri().path()));
        json::value body = req.extract_json().get();
        ItemDao items(m_conn);

        // items/lookup  {"ids":[...]}
        if (path.size() == 2 && path[0] == U("items") && path[1] == U("lookup")) {
            std::vector<int64_t> ids;
            for (const auto& v : body.at(U("ids")).as_array()) ids.push_back(v.as_number().to_int64());
            json::value arr = json::value::array();
            size_t n = 0;
            for (const auto& it : items.findManyForTenant(ids, key->tenantId)) arr[n++] = itemToJson(it);
            req.reply(status_codes::OK, arr);
            return;
        }

        // items/{id}/reserve  {"qty": n}
        if (path.size() == 3 && path[0] == U("items") && path[2] == U("reserve")) {
            const int64_t qty = body.at(U("qty")).as_number().to_int64();
            const int changed = items.reserve(std::stoll(path[1]), key->tenantId, qty);
            req.reply(changed ? status_codes::OK : status_codes::Conflict);
            return;
        }

        // movements  {"item_id": n, "delta": n, "reason": "..."}
        if (path.size() == 1 && path[0] == U("movements")) {
            const int64_t itemId = body.at(U("item_id")).as_number().to_int64();
            const int64_t delta = body.at(U("delta")).as_number().to_int64();
            const std::string reason = utility::conversions::to_utf8string(body.at(U("reason")).as_string());
            MovementDao movements(m_conn);
            movements.recordPartnerMovement(itemId, delta, reason, key->partnerId);
            req.reply(status_codes::Accepted);
            return;
        }
        req.reply(status_codes::NotFound);
    }

    http_listener m_listener;
    sql::Connection* m_conn;
};

}  // namespace partner
}  // namespace stockroom
