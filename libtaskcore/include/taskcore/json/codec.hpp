// Boost.JSON mapping of domain objects to the contract's wire shapes.
#pragma once

#include <boost/json/value.hpp>

#include "taskcore/domain/conversation.hpp"
#include "taskcore/domain/task.hpp"

namespace taskcore::json {

boost::json::value to_json(const Task& task);
boost::json::value to_json(const Conversation& conversation);
boost::json::value to_json(const Message& message);

}  // namespace taskcore::json
