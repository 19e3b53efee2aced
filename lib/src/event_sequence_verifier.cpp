#include "goldenpath/event_sequence_verifier.hpp"
