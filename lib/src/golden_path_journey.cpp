#include "goldenpath/golden_path_journey.hpp"
