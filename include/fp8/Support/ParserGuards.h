//===- ParserGuards.h - Text that would crash MLIR's parsers ----*- C++ -*-===//
//
// Checks for MLIR text that upstream's parsers crash on rather than reject,
// for entry points that parse text they do not trust (the Python package,
// the fuzzer; utils/fuzz/KNOWN_ISSUES.md lists the cases):
//  - the parsers (IR, attributes, types, affine expressions, pass
//    pipelines) recurse once per level of nesting, so a deeply nested input
//    overflows the stack: 100,000 `[` kill the process;
//  - affine expressions are simplified recursively, one frame per term of
//    a sum or product: d0 + d0 + ... with 200,000 terms overflows too;
//  - `array<index: ...>` (a dense array of index, also through a type
//    alias) reaches Type::getIntOrFloatBitWidth on index;
//  - linalg.transpose / broadcast / reduce with a malformed `permutation` /
//    `dimensions` list store a null attribute after the parse error.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_SUPPORT_PARSERGUARDS_H
#define FP8_SUPPORT_PARSERGUARDS_H

#include "llvm/ADT/StringRef.h"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <string>

namespace mlir::fp8 {

/// If `text[i]` opens a string literal (with backslash escapes) or a `//`
/// comment, moves `i` to its last character (or past the end).
inline void skipStringOrComment(llvm::StringRef text, size_t &i) {
  size_t e = text.size();
  if (text[i] == '"') {
    for (++i; i < e && text[i] != '"'; ++i)
      if (text[i] == '\\')
        ++i;
  } else if (text[i] == '/' && i + 1 < e && text[i + 1] == '/') {
    while (i < e && text[i] != '\n')
      ++i;
  }
}

/// The deepest nesting of brackets ((), [], {}, <>) and of prefix minus
/// signs (`- - - x`, which the affine parser also recurses on) in `text`,
/// outside string literals and `//` comments. `->` closes nothing. The
/// count is an upper bound on the parsers' recursion for that nesting;
/// brackets need not match. Stops counting at `limit + 1`.
inline size_t getNestingDepth(llvm::StringRef text, size_t limit) {
  size_t depth = 0, deepest = 0, minuses = 0;
  for (size_t i = 0, e = text.size(); i < e && deepest <= limit; ++i) {
    char c = text[i];
    switch (c) {
    case '"':
    case '/':
      skipStringOrComment(text, i);
      break;
    case '(':
    case '[':
    case '{':
    case '<':
      deepest = std::max(deepest, ++depth + minuses);
      break;
    case ')':
    case ']':
    case '}':
      depth -= depth != 0;
      break;
    case '>':
      if (i == 0 || text[i - 1] != '-')
        depth -= depth != 0;
      break;
    default:
      break;
    }
    // Consecutive minus signs (apart from white space) nest.
    if (c == '-' && !(i + 1 < e && text[i + 1] == '>')) {
      deepest = std::max(deepest, depth + ++minuses);
    } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      minuses = 0;
    }
  }
  return deepest;
}

/// The longest chain of `+`, `-` and `*` between two brackets or commas in
/// `text` (outside string literals and comments): the length of the
/// longest affine sum or product, which MLIR simplifies recursively, one
/// frame per term (some 100,000 terms overflow an 8 MB stack).
inline size_t getLongestOperatorChain(llvm::StringRef text) {
  size_t chain = 0, longest = 0;
  for (size_t i = 0, e = text.size(); i < e; ++i) {
    switch (text[i]) {
    case '"':
    case '/':
      skipStringOrComment(text, i);
      break;
    case '+':
    case '*':
      longest = std::max(longest, ++chain);
      break;
    case '-':
      if (!(i + 1 < e && text[i + 1] == '>'))
        longest = std::max(longest, ++chain);
      break;
    case ',':
    case '(':
    case ')':
    case '[':
    case ']':
    case '{':
    case '}':
    case '<':
    case '>':
      chain = 0;
      break;
    default:
      break;
    }
  }
  return longest;
}

/// Whether `text` may hold a dense array attribute of index elements
/// (`array<index: 1>`, or `array<!alias ...>` where some alias is index),
/// which upstream's parser crashes on. Errs on the side of yes.
inline bool mayHaveIndexDenseArray(llvm::StringRef text) {
  bool hasIndexAlias = false;
  for (size_t at = text.find('='); at != llvm::StringRef::npos;
       at = text.find('=', at + 1)) {
    llvm::StringRef rest = text.drop_front(at + 1).ltrim();
    if (rest.consume_front("index") &&
        (rest.empty() || !(std::isalnum(static_cast<unsigned char>(
                               rest.front())) ||
                           rest.front() == '_'))) {
      hasIndexAlias = true;
      break;
    }
  }
  for (size_t at = text.find("array"); at != llvm::StringRef::npos;
       at = text.find("array", at + 1)) {
    llvm::StringRef rest = text.drop_front(at + 5).ltrim();
    if (!rest.consume_front("<"))
      continue;
    rest = rest.ltrim();
    if (rest.starts_with("index") || (hasIndexAlias && rest.starts_with("!")))
      return true;
  }
  return false;
}

/// Whether `text` may hold `permutation = ` or `dimensions = ` followed by
/// neither a list of integers (`[1, 0]`) nor `array`: the custom parsers of linalg.transpose,
/// linalg.broadcast and linalg.reduce report the error and then store the
/// null attribute they did not parse. Errs on the side of yes.
inline bool mayHaveMalformedLinalgDims(llvm::StringRef text) {
  for (llvm::StringRef keyword : {"permutation", "dimensions"}) {
    for (size_t at = text.find(keyword); at != llvm::StringRef::npos;
         at = text.find(keyword, at + 1)) {
      llvm::StringRef rest = text.drop_front(at + keyword.size()).ltrim();
      if (!rest.consume_front("="))
        continue;
      rest = rest.ltrim();
      if (rest.starts_with("array"))
        continue;
      // A list of integers: [1, 0, 2].
      if (!rest.consume_front("["))
        return true;
      rest = rest.drop_while([](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) || c == ',' ||
               c == '-' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
      });
      if (!rest.starts_with("]"))
        return true;
    }
  }
  return false;
}

/// Why MLIR's parsers must not see `text` (nesting deeper than `maxDepth`,
/// or a construct they crash on), or an empty string.
inline std::string checkParserInput(llvm::StringRef text, size_t maxDepth) {
  if (getNestingDepth(text, maxDepth) > maxDepth)
    return "it nests brackets deeper than " + std::to_string(maxDepth) +
           " levels, the most fp8mlir parses";
  // (Far more terms than any real map has, and few enough for the printer
  // and the passes, which recurse on them too, on an 8 MB stack.)
  constexpr size_t kMaxOperatorChain = 10000;
  if (getLongestOperatorChain(text) > kMaxOperatorChain)
    return "it chains more than " + std::to_string(kMaxOperatorChain) +
           " +, - or * operators in one expression";
  if (mayHaveMalformedLinalgDims(text))
    return "`permutation =` or `dimensions =` is not followed by a list of "
           "integers (`[1, 0]`), which MLIR's linalg parsers crash on";
  if (mayHaveIndexDenseArray(text))
    return "it holds a dense array of index elements (`array<index: ...>`), "
           "which MLIR cannot parse";
  return "";
}

} // namespace mlir::fp8

#endif // FP8_SUPPORT_PARSERGUARDS_H
