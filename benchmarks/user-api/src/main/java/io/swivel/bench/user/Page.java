package io.swivel.bench.user;

import java.io.Serializable;
import java.util.List;

/**
 * One page of results, as in dubbo-benchmark: page number, total count and the page's items.
 *
 * @param <T> the item type
 */
public class Page<T> implements Serializable {

    private static final long serialVersionUID = 1L;

    private int pageNo;
    private int total;
    private List<T> result;

    /** Creates an empty page. */
    public Page() {
    }

    /** @return the page number */
    public int getPageNo() {
        return pageNo;
    }

    /** @param pageNo the page number */
    public void setPageNo(int pageNo) {
        this.pageNo = pageNo;
    }

    /** @return the total number of items over all pages */
    public int getTotal() {
        return total;
    }

    /** @param total the total number of items */
    public void setTotal(int total) {
        this.total = total;
    }

    /** @return the items of this page */
    public List<T> getResult() {
        return result;
    }

    /** @param result the items of this page */
    public void setResult(List<T> result) {
        this.result = result;
    }
}
