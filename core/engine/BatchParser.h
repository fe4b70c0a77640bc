// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dataset/DatasetReader.h"
#include "engine/Batch.h"

#include <memory>
#include <optional>
#include <vector>

namespace fastmap {

// Splits and converts a batch's raw records on the thread that runs it: the one place where
// every executor (local thread, remote worker's client side) turns records into typed inputs.
class BatchParser
{
public:
    BatchParser() = default;
    // `inputs` feed the function; `kept` (every dataset column as text) is parsed only when a
    // sink keeps the input, and left empty otherwise.
    BatchParser(std::shared_ptr<const RecordParser> parser, std::vector<FieldTarget> inputs,
                std::vector<ColumnType> outputTypes, std::vector<FieldTarget> kept);

    // Fills batch.input (and batch.kept) and sizes `output`, failing the elements whose input did
    // not convert. A malformed record cuts the batch before it and is returned; the job stops there.
    std::optional<InputError> parse(Batch &batch, BatchOutput *output) const;

    const std::vector<ColumnType> &outputTypes() const { return m_outputTypes; }
    std::vector<ColumnType> inputTypes() const;

private:
    std::shared_ptr<const RecordParser> m_parser;
    std::vector<FieldTarget> m_inputs;
    std::vector<ColumnType> m_outputTypes;
    std::vector<FieldTarget> m_kept;
};

} // namespace fastmap
