# cmake -DREADME=<README.md> [-DDOCS=<docs dir>] -DEXAMPLES=<dir> -P check_readme_blocks.cmake
# Every `// [readme:NAME]` ... `// [end]` block of EXAMPLES/*.cpp must appear word for word in
# README or in one of DOCS/*.md as the code block that follows `<!-- readme:NAME -->`, and every
# such block there must have its example. Fails naming each block that differs or is missing.
cmake_minimum_required(VERSION 3.25)

if(NOT DEFINED README OR NOT DEFINED EXAMPLES)
    message(FATAL_ERROR "usage: cmake -DREADME=<README.md> -DEXAMPLES=<dir> -P ${CMAKE_CURRENT_LIST_FILE}")
endif()
file(READ "${README}" readme)
# The documentation is read as one text: README first, then docs/ in name order.
if(DEFINED DOCS)
    file(GLOB pages "${DOCS}/*.md")
    list(SORT pages)
    foreach(page IN LISTS pages)
        file(READ "${page}" page_text)
        string(APPEND readme "\n${page_text}")
    endforeach()
endif()

set(changed "")
set(not_in_readme "")
set(shown_in_examples "")

file(GLOB sources "${EXAMPLES}/*.cpp")
list(SORT sources)
foreach(source IN LISTS sources)
    get_filename_component(source_name "${source}" NAME)
    file(READ "${source}" text)
    string(REGEX MATCHALL "// \\[readme:[a-z0-9_]+\\]" markers "${text}")
    foreach(marker IN LISTS markers)
        string(REGEX REPLACE "// \\[readme:([a-z0-9_]+)\\]" "\\1" name "${marker}")
        list(APPEND shown_in_examples ${name})

        # The example's block: after the marker line, up to the `// [end]` line.
        string(FIND "${text}" "${marker}\n" start)
        string(LENGTH "${marker}\n" marker_length)
        math(EXPR start "${start} + ${marker_length}")
        string(SUBSTRING "${text}" ${start} -1 rest)
        string(FIND "${rest}" "// [end]" end)
        if(end EQUAL -1)
            message(SEND_ERROR "${source_name}: block '${name}' has no `// [end]` line")
            list(APPEND changed ${name})
            continue()
        endif()
        string(SUBSTRING "${rest}" 0 ${end} example_block)

        # The README's block: the ```cpp fence after `<!-- readme:NAME -->`.
        set(anchor "<!-- readme:${name} -->\n```cpp\n")
        string(FIND "${readme}" "${anchor}" readme_start)
        if(readme_start EQUAL -1)
            message(SEND_ERROR "README lacks block '${name}' (${source_name}); add it after a "
                "line `<!-- readme:${name} -->` as a ```cpp block")
            list(APPEND not_in_readme ${name})
            continue()
        endif()
        string(LENGTH "${anchor}" anchor_length)
        math(EXPR readme_start "${readme_start} + ${anchor_length}")
        string(SUBSTRING "${readme}" ${readme_start} -1 readme_rest)
        string(FIND "${readme_rest}" "```" readme_end)
        string(SUBSTRING "${readme_rest}" 0 ${readme_end} readme_block)

        if(NOT readme_block STREQUAL example_block)
            message(SEND_ERROR "README block '${name}' differs from ${source_name}; "
                "README shows:\n${readme_block}\nbut ${source_name} has:\n${example_block}")
            list(APPEND changed ${name})
        endif()
    endforeach()
endforeach()

set(no_example "")
string(REGEX MATCHALL "<!-- readme:[a-z0-9_]+ -->" readme_markers "${readme}")
foreach(marker IN LISTS readme_markers)
    string(REGEX REPLACE "<!-- readme:([a-z0-9_]+) -->" "\\1" name "${marker}")
    if(NOT name IN_LIST shown_in_examples)
        message(SEND_ERROR "README block '${name}' has no example in ${EXAMPLES}")
        list(APPEND no_example ${name})
    endif()
endforeach()

if(changed OR not_in_readme OR no_example)
    list(JOIN changed "," changed)
    list(JOIN no_example "," no_example)
    list(JOIN not_in_readme "," not_in_readme)
    # NOTICE is not re-wrapped, so the summary stays one line.
    message(NOTICE "README.md and the examples differ: changed=[${changed}] "
        "no_example=[${no_example}] not_in_readme=[${not_in_readme}]")
    message(FATAL_ERROR "README.md and ${EXAMPLES} differ (see the blocks named above)")
endif()
list(LENGTH shown_in_examples count)
message(STATUS "all ${count} README example blocks match their examples")
