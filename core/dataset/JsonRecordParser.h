// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dataset/DatasetReader.h"

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace fastmap {

// Parses JSON Lines records (one object per line) into the targeted columns, which are the keys
// of the file's first object. Immutable after construction, so threads may share one instance.
//
// By target type: Text gets a string's unescaped text, a number's literal as written, "true",
// "false", or an object's or array's JSON text as written; Float64 and Int64 take numbers and
// strings holding numbers (NumberParsing.h), and true/false as 1/0; Bool takes true/false and
// "true"/"false"/"1"/"0" as strings or the numbers 1 and 0. null or a missing key is a null.
class JsonRecordParser : public RecordParser
{
public:
    JsonRecordParser(QString path, QStringList columns);

    int parse(const RecordBlock &block, const std::vector<FieldTarget> &targets, Table *out,
              BatchOutput *failures, InputError *error) const override;

    // Checks that `line` (non-blank, starting on `lineNumber`) is one well-formed JSON object,
    // in UTF-8; otherwise fills `error` with file, line and column.
    bool check(std::string_view line, qint64 lineNumber, InputError *error) const;

private:
    struct Hash
    {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };

    int columnOf(std::string_view key, std::size_t position) const;

    QString m_path;
    std::vector<std::string> m_keys; // UTF-8 column names
    std::unordered_map<std::string, int, Hash, std::equal_to<>> m_index;
};

} // namespace fastmap
