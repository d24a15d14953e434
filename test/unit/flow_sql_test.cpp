// Unit tests for lib/flow/SqlKeys: key vs ownership placeholders in SQL text.
#include "flow/SqlKeys.h"

#include <gtest/gtest.h>

using namespace prodready::flow;

TEST(FlowSql, SelectByIdIsKey) {
  auto I = analyseSql("SELECT title, body FROM documents WHERE id = $1");
  EXPECT_EQ(I.Verb, "SELECT");
  EXPECT_EQ(I.Table, "documents");
  EXPECT_FALSE(I.Write);
  ASSERT_EQ(I.Placeholders.size(), 1u);
  EXPECT_EQ(I.Placeholders[0].Position, 1);
  EXPECT_TRUE(I.Placeholders[0].KeyColumn);
  EXPECT_FALSE(I.Placeholders[0].OwnerColumn);
  EXPECT_FALSE(I.hasOwnerPredicate());
  EXPECT_EQ(I.summary(), "SELECT … FROM documents");
}

TEST(FlowSql, OwnershipPredicate) {
  auto I = analyseSql("select * from docs d where d.id = $1 and d.owner_id = $2");
  ASSERT_EQ(I.Placeholders.size(), 2u);
  EXPECT_TRUE(I.Placeholders[0].KeyColumn);
  EXPECT_TRUE(I.Placeholders[1].OwnerColumn);
  EXPECT_EQ(I.Placeholders[1].Position, 2);
  EXPECT_TRUE(I.hasOwnerPredicate());
}

TEST(FlowSql, PlaceholderInsideACallTakesTheComparedColumn) {
  auto I = analyseSql("SELECT id FROM runners WHERE token_digest = encode(digest($1, 'sha256'), 'hex') "
                      "AND enabled AND owner_id = $2");
  ASSERT_EQ(I.Placeholders.size(), 2u);
  EXPECT_EQ(I.Placeholders[0].Column, "token_digest");
  EXPECT_TRUE(I.Placeholders[0].Where);
  EXPECT_EQ(I.Placeholders[1].Column, "owner_id");
  auto M = analyseSql("SELECT id FROM partners WHERE api_key_sha256 = SHA2(?, 256) AND active = 1");
  ASSERT_EQ(M.Placeholders.size(), 1u);
  EXPECT_EQ(M.Placeholders[0].Column, "api_key_sha256");
  // Not after the call has closed, and not for a call outside WHERE.
  auto N = analyseSql("UPDATE t SET h = md5(?) WHERE id = lower(x) AND y = ?");
  ASSERT_EQ(N.Placeholders.size(), 2u);
  EXPECT_FALSE(N.Placeholders[0].Where);
  EXPECT_EQ(N.Placeholders[1].Column, "y");
}

TEST(FlowSql, QuestionMarksAndReversedComparison) {
  auto I = analyseSql("DELETE FROM orders WHERE ? = order_id AND user_id = ?");
  EXPECT_TRUE(I.Write);
  EXPECT_EQ(I.Table, "orders");
  ASSERT_EQ(I.Placeholders.size(), 2u);
  EXPECT_EQ(I.Placeholders[0].Position, 1);
  EXPECT_TRUE(I.Placeholders[0].KeyColumn);
  EXPECT_EQ(I.Placeholders[1].Position, 2);
  EXPECT_TRUE(I.Placeholders[1].OwnerColumn);
}

TEST(FlowSql, SetClauseIsNotAPredicate) {
  // owner_id in SET is a write of the column, not an ownership check.
  auto I = analyseSql("UPDATE docs SET owner_id = $1 WHERE id = $2");
  EXPECT_EQ(I.Table, "docs");
  ASSERT_EQ(I.Placeholders.size(), 2u);
  EXPECT_FALSE(I.Placeholders[0].OwnerColumn);
  EXPECT_FALSE(I.Placeholders[0].KeyColumn);
  EXPECT_TRUE(I.Placeholders[1].KeyColumn);
  EXPECT_FALSE(I.Placeholders[0].Where);
  EXPECT_TRUE(I.Placeholders[1].Where);
  EXPECT_FALSE(I.hasOwnerPredicate());
}

TEST(FlowSql, AnyWhereColumnIsRecorded) {
  auto I = analyseSql("SELECT id FROM orders WHERE buyer = $1 ORDER BY id LIMIT $2");
  ASSERT_EQ(I.Placeholders.size(), 2u);
  EXPECT_TRUE(I.Placeholders[0].Where);
  EXPECT_EQ(I.Placeholders[0].Column, "buyer");
  EXPECT_FALSE(I.Placeholders[0].KeyColumn);
  EXPECT_FALSE(I.Placeholders[1].Where);
}

TEST(FlowSql, LimitIsNotAKey) {
  auto I = analyseSql("SELECT * FROM posts ORDER BY created LIMIT $1 OFFSET $2");
  ASSERT_EQ(I.Placeholders.size(), 2u);
  EXPECT_FALSE(I.Placeholders[0].KeyColumn);
  EXPECT_FALSE(I.Placeholders[1].KeyColumn);
}

TEST(FlowSql, SplicedHolesAndNamedParameters) {
  std::string Sql = std::string("SELECT * FROM files WHERE name = '") + SqlHole +
                    "' AND owner = " + SqlHole;
  auto I = analyseSql(Sql);
  ASSERT_EQ(I.Placeholders.size(), 2u);
  EXPECT_EQ(I.Placeholders[0].Hole, 0);
  EXPECT_EQ(I.Placeholders[1].Hole, 1);
  EXPECT_TRUE(I.Placeholders[1].OwnerColumn);

  auto N = analyseSql("select body from notes where id = :id and tenant_id = :tenant and id2 = :id");
  ASSERT_EQ(N.Placeholders.size(), 3u);
  EXPECT_EQ(N.Placeholders[0].Position, 1);
  EXPECT_EQ(N.Placeholders[1].Position, 2);
  EXPECT_TRUE(N.Placeholders[1].OwnerColumn);
  EXPECT_EQ(N.Placeholders[2].Position, 1);
}

TEST(FlowSql, InListAndInsertColumns) {
  auto I = analyseSql("SELECT * FROM t WHERE id IN ($1, $2)");
  ASSERT_EQ(I.Placeholders.size(), 2u);
  EXPECT_TRUE(I.Placeholders[1].KeyColumn);
  auto Ins = analyseSql("INSERT INTO comments (doc_id, owner_id, body) VALUES ($1, $2, $3)");
  EXPECT_TRUE(Ins.Write);
  EXPECT_EQ(Ins.Table, "comments");
  ASSERT_EQ(Ins.Placeholders.size(), 3u);
  EXPECT_EQ(Ins.Placeholders[1].Column, "owner_id");
  EXPECT_TRUE(Ins.Placeholders[1].OwnerColumn);
  EXPECT_FALSE(Ins.Placeholders[0].KeyColumn);
  EXPECT_EQ(Ins.summary(), "INSERT INTO comments");
}

TEST(FlowSql, CustomOwnerColumns) {
  auto I = analyseSql("SELECT * FROM t WHERE id = $1 AND proprietor = $2", "^proprietor$");
  EXPECT_TRUE(I.Placeholders[1].OwnerColumn);
  auto D = analyseSql("SELECT * FROM t WHERE id = $1 AND proprietor = $2");
  EXPECT_FALSE(D.hasOwnerPredicate());
}

TEST(FlowSql, WhereConstants) {
  auto I = analyseSql("SELECT name FROM plans WHERE slug = $1 AND public ORDER BY name");
  ASSERT_EQ(I.WhereConstants.size(), 1u);
  EXPECT_EQ(I.WhereConstants[0], std::make_pair(std::string("public"), std::string("true")));
  I = analyseSql("SELECT * FROM docs WHERE visibility = 'Public' AND id = ? AND deleted = 0");
  ASSERT_EQ(I.WhereConstants.size(), 2u);
  EXPECT_EQ(I.WhereConstants[0].first, "visibility");
  EXPECT_EQ(I.WhereConstants[0].second, "public");
  EXPECT_EQ(I.WhereConstants[1], std::make_pair(std::string("deleted"), std::string("0")));
  // Not constants: a comparison with another column, `!=`, a SET value, a
  // flag outside WHERE, a column followed by an operator.
  I = analyseSql("UPDATE docs SET public = true WHERE owner_id = o.id AND kind != 'x' AND size > 3");
  EXPECT_TRUE(I.WhereConstants.empty());
  I = analyseSql("SELECT * FROM docs d WHERE (published) AND d.id IN (?, ?)");
  ASSERT_EQ(I.WhereConstants.size(), 1u);
  EXPECT_EQ(I.WhereConstants[0].first, "published");
}
